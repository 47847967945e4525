/**
 * `npm run source -- add --kind dwca|living_atlas|gbif --name N [--location L] [--biocache-url U]
 *     [--images-url U] [--email E] [--field-style current|legacy] [--cron "0 4 * * *"]`
 *   adds a source (GBIF_PASSWORD / SOURCE_PASSWORD in the environment become its encrypted credentials).
 * `npm run source -- list`              every source with its records and last run.
 * `npm run source -- remove <id|name>`  removes a source and its records (not the ALA).
 * `npm run source -- sync <id|name> [--file archive.zip] [--full]`  imports it now, in the foreground
 *   (--full: a Living Atlas or GBIF source read whole again, deleting records the source no longer has;
 *   otherwise its changes since its last import).
 *
 * Works on DATABASE_URL, or beside a running `npm start`. Exit codes: 0 done · 1 failed · 2 bad arguments.
 */
import { badUsage, commandLine } from "./command-line";

const USAGE = `usage:
  npm run source -- add --kind dwca --name N --location <path or URL> [--cron "0 4 * * *"]
  npm run source -- add --kind living_atlas --name N --biocache-url U [--images-url U] [--email E] [--field-style current|legacy] [--cron C]
  npm run source -- add --kind gbif --name N --username U [--api-url U] [--format SIMPLE_CSV|DWCA] [--predicate JSON] [--cron C]   (password from GBIF_PASSWORD)
  npm run source -- list
  npm run source -- remove <id or name>
  npm run source -- sync <id or name> [--file archive.zip] [--full]`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    badUsage(USAGE, `--predicate must be a GBIF predicate in JSON, like '{"type":"equals","key":"COUNTRY","value":"AU"}'`);
  }
}

const { values, command, operands } = commandLine(USAGE, ["add", "list", "remove", "sync"], {
  kind: { type: "string" },
  name: { type: "string" },
  location: { type: "string" },
  "biocache-url": { type: "string" },
  "images-url": { type: "string" },
  email: { type: "string" },
  "field-style": { type: "string" },
  username: { type: "string" },
  "api-url": { type: "string" },
  format: { type: "string" },
  predicate: { type: "string" },
  full: { type: "boolean", default: false },
  cron: { type: "string" },
  file: { type: "string" },
});
const [target, ...extra] = operands;
if (extra.length || (command === "add" || command === "list" ? target !== undefined : target === undefined)) {
  badUsage(USAGE, command === "remove" || command === "sync" ? `${command} needs one source id or name` : `unexpected argument "${target ?? extra[0]}"`);
}

process.env.LOG_LEVEL ??= "warn";
const { newSourceSchema, settingsSchemas } = await import("@/lib/sources/registry");

let input: import("@/lib/sources/registry").NewSource | undefined;
if (command === "add") {
  const kind = values.kind;
  const settings: Record<string, unknown> =
    kind === "dwca"
      ? { location: values.location }
      : kind === "living_atlas"
        ? { biocacheUrl: values["biocache-url"], imagesUrl: values["images-url"], email: values.email, fieldStyle: values["field-style"] }
        : kind === "gbif"
          ? { apiUrl: values["api-url"], format: values.format, predicate: values.predicate === undefined ? undefined : parseJson(values.predicate) }
          : {};
  for (const k of Object.keys(settings)) if (settings[k] === undefined) delete settings[k];
  const password = process.env.GBIF_PASSWORD ?? process.env.SOURCE_PASSWORD;
  const credentials = values.username || password ? { ...(values.username ? { username: values.username } : {}), ...(password ? { password } : {}) } : undefined;
  const result = newSourceSchema.safeParse({ kind, name: values.name, settings, credentials, cron: values.cron ?? null });
  if (!result.success) badUsage(USAGE, result.error.issues.map((i) => `--${i.path.join(".") || "source"}: ${i.message}`).join("\n"));
  const checked = settingsSchemas[result.data.kind].safeParse(settings);
  if (!checked.success) badUsage(USAGE, checked.error.issues.map((i) => `${String(i.path[0] ?? "settings")}: ${i.message}`).join("\n"));
  input = result.data;
}

const { loadConfig, openDatabase } = await import("./runtime");
const { closePool, pool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { addSource, findSource, listSources, SourceError } = await import("@/lib/sources/registry");
const { runSource, SourceBusyError } = await import("@/lib/sources/run");
const { removeSourceAndRecords } = await import("@/lib/sources/remove");

const db = await openDatabase(loadConfig(), { attach: true });
process.env.DATABASE_URL = db.url;
let code = 0;
try {
  if (command === "add") {
    const s = await addSource(pool(), input!);
    console.log(`Added source ${s.id}: ${s.name} (${s.kind})${s.cron ? `, scheduled ${s.cron}` : ""}.`);
  } else if (command === "list") {
    for (const s of await listSources(pool())) {
      const r = s.lastRun;
      // A GBIF run waiting says for which download, and since when it was asked for.
      const download = r?.download ? `, GBIF download ${r.download.key} ${r.download.status ?? "requested"}${r.download.requestedAt ? ` since ${r.download.requestedAt.toISOString()}` : ""}` : "";
      const run = r ? `last run ${r.interrupted ? "interrupted (its process stopped) while " : ""}${r.status} ${r.startedAt.toISOString()} (+${r.added} ~${r.updated} -${r.deleted}, ${r.skipped} skipped${download})` : "never run";
      console.log(`${s.id}\t${s.kind}\t${s.name}\t${s.records} records\t${s.cron ?? "no schedule"}\t${run}`);
    }
  } else {
    const s = await findSource(pool(), target!);
    if (!s) {
      console.error(`There is no source "${target}". npm run source -- list shows them.`);
      code = 1;
    } else if (command === "remove") {
      const { deleted } = await removeSourceAndRecords(pool(), s.id);
      console.log(`Removed source ${s.id} (${s.name}) and its ${deleted} records.`);
    } else {
      const r = await runSource(pool(), s.id, { file: values.file, full: values.full });
      if (r.status === "succeeded") {
        const reasons = Object.entries(r.skippedByReason).map(([k, v]) => `${k} ${v}`).join(", ");
        console.log(`Imported ${s.name}: ${r.added} added, ${r.updated} updated, ${r.deleted} deleted, ${r.skipped} skipped${reasons ? ` (${reasons})` : ""}.`);
      } else {
        console.error(r.error);
        for (const p of r.problems) console.error(`  line ${p.line}: ${p.message}`);
        code = 1;
      }
    }
  }
} catch (err) {
  if (err instanceof SourceError || err instanceof SourceBusyError) console.error(err.message);
  else console.error(`npm run source failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await disconnectPrisma();
  await closePool();
  await db.embedded?.stop();
}
process.exit(code);
