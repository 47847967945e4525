/**
 * `npm run vettings -- import <file> --source <name> --name-field F --class-field F [--qualifier-field F] [--comment C]`
 *   imports range polygons (GeoJSON, or a shapefile's .shp with its .dbf, or a .zip of them) as
 *   vettings by the named source account (docs/range-imports.md), and reports unmatched names and
 *   unusable polygons.
 * `npm run vettings -- imports` lists the imports.
 * `npm run vettings -- remove-import <id>` deletes an import's vettings as a set.
 *
 * Works on DATABASE_URL, or beside a running `npm start` (attaches to its embedded PostgreSQL).
 * Exit codes: 0 done · 1 failed (unreadable file, nothing importable, unknown import) · 2 bad arguments.
 */
import { badUsage, commandLine } from "./command-line";

const USAGE = `usage:
  npm run vettings -- import <file.geojson|file.shp|file.zip> --source "BirdLife Australia" --name-field SCI_NAME --class-field RANGE_T [--qualifier-field F] [--comment "…"] [--json]
  npm run vettings -- imports [--json]
  npm run vettings -- remove-import <id>`;

const { values, command, operands: rest } = commandLine(USAGE, ["import", "imports", "remove-import"], {
  source: { type: "string" },
  "name-field": { type: "string" },
  "class-field": { type: "string" },
  "qualifier-field": { type: "string" },
  comment: { type: "string" },
  json: { type: "boolean", default: false },
});
if (command === "import") {
  if (rest.length !== 1) badUsage(USAGE, "import needs exactly one file");
  for (const flag of ["source", "name-field", "class-field"] as const) if (!values[flag]?.trim()) badUsage(USAGE, `import needs --${flag}`);
} else if (command === "remove-import") {
  if (rest.length !== 1 || !/^\d{1,9}$/.test(rest[0])) badUsage(USAGE, "remove-import needs the import's id (a number; see `npm run vettings -- imports`)");
} else if (rest.length) {
  badUsage(USAGE, `unexpected argument "${rest[0]}"`);
}

// Set before lib/log loads: a command's output is its answer, not logs.
process.env.LOG_LEVEL ??= "warn";
const { loadConfig, openDatabase } = await import("./runtime");
const { closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { stopQueue } = await import("@/lib/jobs/queue");
const { importRanges, listRangeImports, removeRangeImport } = await import("@/lib/ranges/import");
const { readRangeFile } = await import("@/lib/ranges/read");
const { formatReport } = await import("@/lib/ranges/report");

const db = await openDatabase(loadConfig(), { attach: true });
process.env.DATABASE_URL = db.url;
let code = 0;
try {
  if (command === "import") {
    const file = rest[0];
    const features = await readRangeFile(file);
    const report = await importRanges(features, {
      source: values.source!,
      fileName: file.split(/[\\/]/).pop()!,
      nameField: values["name-field"]!.trim(),
      classField: values["class-field"]!.trim(),
      qualifierField: values["qualifier-field"]?.trim() || undefined,
      comment: values.comment,
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    if (report.id === null) code = 1;
  } else if (command === "imports") {
    const imports = await listRangeImports();
    if (values.json) console.log(JSON.stringify(imports, null, 2));
    else if (imports.length === 0) console.log("No range imports.");
    else {
      for (const i of imports) {
        const state = i.removedAt ? `removed ${i.removedAt}` : `${i.liveVettings} live vettings`;
        console.log(`${i.id}\t${i.createdAt}\t${i.source.name}\t${i.fileName}\t${state}\t${i.report.unmatchedNames.length} unmatched names`);
      }
    }
  } else {
    const { id, removed } = await removeRangeImport(Number(rest[0]));
    console.log(`Removed range import ${id}: ${removed} vettings deleted.`);
  }
} catch (err) {
  console.error(`npm run vettings failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await stopQueue().catch(() => undefined);
  await disconnectPrisma();
  await closePool();
  await db.embedded?.stop();
}
process.exit(code);
