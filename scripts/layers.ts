/**
 * `npm run layers -- add --name N --scenario current|S [--year Y] --dir D`
 *   validates the GeoTIFFs of D (one per variable, named by variable: bio1.tif …) and registers them.
 * `npm run layers -- list`   prints the registered sets.
 * `npm run layers -- remove --name N`
 *
 * Works on DATABASE_URL, or beside a running `npm start` (attaches to its embedded PostgreSQL).
 * Exit codes: 0 done · 1 refused or failed (the message names the file and the problem) · 2 bad arguments.
 */
import path from "node:path";
import { badUsage, commandLine } from "./command-line";

const USAGE = `usage:
  npm run layers -- add --name N --scenario current --dir DIR
  npm run layers -- add --name N --scenario SSP2-4.5 --year 2050 --dir DIR
  npm run layers -- list
  npm run layers -- remove --name N`;

const { values, command, operands: extra } = commandLine(USAGE, ["add", "list", "remove"], {
  name: { type: "string" },
  scenario: { type: "string" },
  year: { type: "string" },
  dir: { type: "string" },
});
if (extra.length) badUsage(USAGE, `unexpected argument "${extra[0]}"`);
if (command === "add") {
  for (const flag of ["name", "scenario", "dir"] as const) if (values[flag] === undefined) badUsage(USAGE, `add needs --${flag}`);
  if (values.year !== undefined && !/^\d{4}$/.test(values.year)) badUsage(USAGE, `--year: "${values.year}" is not a year`);
} else if (command === "remove") {
  if (values.name === undefined) badUsage(USAGE, "remove needs --name");
}

process.env.LOG_LEVEL ??= "warn";
const { layerSetInputSchema, addLayerSet, listLayerSets, removeLayerSet } = await import("@/lib/layers/store");
let input;
if (command === "add") {
  const result = layerSetInputSchema.safeParse({
    name: values.name,
    scenario: values.scenario,
    year: values.year === undefined ? null : Number(values.year),
    dir: path.resolve(values.dir!),
  });
  if (!result.success) badUsage(USAGE, result.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
  input = result.data;
}

const { loadConfig, openDatabase } = await import("./runtime");
const { closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { describeGrid } = await import("@/lib/layers/geotiff");

const db = await openDatabase(loadConfig(), { attach: true });
process.env.DATABASE_URL = db.url;
let code = 0;
try {
  if (input) {
    const set = await addLayerSet(input);
    console.log(`Registered "${set.name}" (${set.scenario}${set.year ? ` ${set.year}` : ""}): ${set.variables.join(", ")} on ${describeGrid(set.grid)}.`);
  } else if (command === "list") {
    const sets = await listLayerSets();
    if (sets.length === 0) console.log("No layer sets are registered.");
    for (const s of sets) console.log(`${s.name}\t${s.scenario}\t${s.year ?? ""}\t${s.variables.join(",")}\t${describeGrid(s.grid)}`);
  } else if (!(await removeLayerSet(values.name!))) {
    console.error(`There is no layer set named "${values.name}".`);
    code = 1;
  } else console.log(`Removed "${values.name}".`);
} catch (err) {
  console.error(`npm run layers refused: ${(err as Error).message}`);
  code = 1;
} finally {
  await disconnectPrisma();
  await closePool();
  await db.embedded?.stop();
}
process.exit(code);
