/**
 * `npm run layers` as an operator runs it: a child process on a real database, judged by its exit
 * code, its messages and what it left in layer_sets.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGeoTiff, type Grid } from "@/lib/layers/geotiff";
import { spawnTs } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";

const GRID: Grid = { width: 5, height: 4, west: 140, north: -20, resX: 0.25, resY: 0.25, crs: 4326 };

let db: TestDatabase;
let root: string;
beforeAll(async () => {
  db = await createTestDatabase();
  root = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-layers-cli-"));
  for (const [dir, variables, grid] of [
    ["current", ["bio1", "bio12"], GRID],
    ["ssp245-2050", ["bio1", "bio12"], GRID],
    ["lacking", ["bio1"], GRID],
    ["shifted", ["bio1", "bio12"], { ...GRID, north: -19 }],
  ] as const) {
    await fs.mkdir(path.join(root, dir));
    for (const v of variables) await fs.writeFile(path.join(root, dir, `${v}.tif`), encodeGeoTiff(Float32Array.from({ length: 20 }, (_, i) => i), grid));
  }
});
afterAll(async () => {
  await db.drop();
  await fs.rm(root, { recursive: true, force: true });
});

async function layers(...args: string[]) {
  const child = spawnTs("scripts/layers.ts", args, { DATABASE_URL: db.url, DATA_DIR: root });
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
const names = async () => (await db.pool.query<{ name: string }>("SELECT name FROM layer_sets ORDER BY id")).rows.map((r) => r.name);

describe("npm run layers", () => {
  it("refuses bad arguments with exit code 2 before touching the database", async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is needed/],
      [["drop"], /unknown command "drop"/],
      [["add", "--name", "x", "--dir", root], /add needs --scenario/],
      [["add", "--name", "x", "--scenario", "SSP2-4.5", "--year", "soon", "--dir", root], /--year: "soon" is not a year/],
      [["add", "--name", "x", "--scenario", "SSP2-4.5", "--dir", root], /--year: the "current" scenario has no year, and a future scenario needs one/],
      [["remove"], /remove needs --name/],
    ];
    for (const [args, message] of cases) {
      const r = await layers(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(await names()).toEqual([]);
  });

  it("registers, lists and removes sets, and refuses mismatched ones naming the file", async () => {
    const current = await layers("add", "--name", "Current", "--scenario", "current", "--dir", path.join(root, "current"));
    expect(current.stderr).toBe("");
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(/Registered "Current" \(current\): bio1, bio12 on 5 × 4 cells/);
    expect((await layers("add", "--name", "SSP2-4.5 2050", "--scenario", "SSP2-4.5", "--year", "2050", "--dir", path.join(root, "ssp245-2050"))).code).toBe(0);

    const lacking = await layers("add", "--name", "L", "--scenario", "SSP5-8.5", "--year", "2050", "--dir", path.join(root, "lacking"));
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain(`${path.join(root, "lacking")}: lacks bio12`);
    const shifted = await layers("add", "--name", "S", "--scenario", "SSP5-8.5", "--year", "2070", "--dir", path.join(root, "shifted"));
    expect(shifted.code).toBe(1);
    expect(shifted.stderr).toContain(`${path.join(root, "shifted", "bio1.tif")}: is on another grid than the registered set "Current"`);
    const again = await layers("add", "--name", "Current", "--scenario", "current", "--dir", path.join(root, "current"));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a layer set named "Current" is already registered/);

    const list = await layers("list");
    expect(list.stdout.trim().split("\n").map((l) => l.split("\t").slice(0, 3))).toEqual([
      ["Current", "current", ""],
      ["SSP2-4.5 2050", "SSP2-4.5", "2050"],
    ]);
    expect((await layers("remove", "--name", "SSP2-4.5 2050")).code).toBe(0);
    const missing = await layers("remove", "--name", "SSP2-4.5 2050");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no layer set named/);
    expect(await names()).toEqual(["Current"]);
  });
});
