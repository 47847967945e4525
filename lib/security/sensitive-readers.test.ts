/**
 * Accurate coordinates of sensitive records live in one table, and two modules touch it: the
 * sync's upsert, which writes them, and the range products' record reader, whose figures use them
 * and whose published geometry never does (lib/distribution/publish.ts). No route, page, tile or
 * download reads them, so no answer and no log line of the web process can hold them (sensitive-sweep.test.ts checks what
 * leaves; this keeps it true of code not written yet). A new reader must be added here on purpose.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCANNED = ["app", "components", "lib", "workers", "scripts", "bench", "proxy.ts"];
const SKIPPED = new Set(["node_modules", "generated", ".next"]);
/** Who may use the table, and why. */
const ALLOWED = new Map([
  ["lib/distribution/records.ts", "range figures use accurate positions; lib/distribution/publish.ts keeps them out of every published geometry"],
  ["lib/sync/upsert.ts", "the sync stores the accurate positions an authorised source supplies"],
]);

/** SQL naming the table, or the Prisma delegate for its model. */
const USE = /\b(?:from|join|into|update|table)\s+sensitive_coordinates\b|\.sensitiveCoordinates\b/i;

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return /\.(?:ts|tsx|mjs|js)$/.test(entry) ? [entry] : [];
  return fs
    .readdirSync(full)
    .filter((name) => !SKIPPED.has(name))
    .flatMap((name) => sourceFiles(path.join(entry, name)));
}

/** Comments removed, so that a comment saying the table is never read does not count as reading it. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("sensitive_coordinates", () => {
  it("is used by the sync's upsert only, outside tests", () => {
    const users = SCANNED.flatMap(sourceFiles)
      .filter((file) => !/\.test\.tsx?$/.test(file))
      .filter((file) => USE.test(code(fs.readFileSync(path.join(ROOT, file), "utf8"))))
      .sort();
    expect(users).toEqual([...ALLOWED.keys()]);
  });

  it("recognises the ways code could read it", () => {
    expect(USE.test(code("SELECT lat FROM sensitive_coordinates WHERE occurrence_id = $1"))).toBe(true);
    expect(USE.test(code("LEFT JOIN sensitive_coordinates sc ON sc.occurrence_id = o.id"))).toBe(true);
    expect(USE.test(code("await prisma().sensitiveCoordinates.findMany()"))).toBe(true);
    expect(USE.test(code("// never read from sensitive_coordinates here"))).toBe(false);
    expect(USE.test(code("/* only public positions, never\n * sensitive_coordinates */"))).toBe(false);
  });
});
