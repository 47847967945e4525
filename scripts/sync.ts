/**
 * `npm run sync [-- --full] [-- --species <guid>]`: one sync run in the foreground (docs/sync.md),
 * on DATABASE_URL or beside a running `npm start` (it attaches to that embedded PostgreSQL).
 * A progress bar on a terminal, plain lines otherwise. Ctrl-C stops at the next safe point and
 * leaves the run for the next sync (or the worker) to resume; a second Ctrl-C quits at once,
 * which is just as safe, only less tidy.
 *
 * Exit codes: 0 succeeded · 1 failed, or another sync is running · 2 bad arguments · 130 stopped.
 */
import { parseArgs } from "node:util";
import type { Database } from "./runtime";

const USAGE = `usage: npm run sync [-- --full] [-- --species <guid>]
  --full             fetch every record, not only those changed since the last import
  --species <guid>   sync one species only (does not move the last import time)`;

let args;
try {
  args = parseArgs({
    options: { full: { type: "boolean", default: false }, species: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.species !== undefined && args.species.trim() === "") {
  console.error(`--species needs a species guid\n${USAGE}`);
  process.exit(2);
}

// The progress display replaces the info logs; warnings and errors still come through. Set
// before lib/log loads, hence the dynamic imports below.
process.env.LOG_LEVEL ??= "warn";
const { SingleBar } = await import("cli-progress");
const { loadConfig, openDatabase, takeOverSignals } = await import("./runtime");
const { closePool, pool } = await import("@/lib/db/pool");
const { createSyncClient } = await import("@/lib/sync/client");
const { SyncAlreadyRunning } = await import("@/lib/sync/errors");
const { countsText, phaseLabel, progressLine, retryLine, summaryLines } = await import("@/lib/sync/report");
const { runSync } = await import("@/lib/sync/run");

const tty = process.stdout.isTTY === true;
const bar = tty
  ? new SingleBar({
      stream: process.stdout,
      format: "{phase} |{bar}| {percentage}% {value}/{total} · {counts}",
      hideCursor: true,
      gracefulExit: false,
      emptyOnZero: true,
    })
  : null;
let phase = "";
let lastLine = 0;
/** Plain lines: one per phase, then at most one every few seconds. */
const LINE_EVERY_MS = 5_000;

/** A line of its own; the bar (stopped for it) comes back with the next progress update. */
function say(text: string, stream: NodeJS.WriteStream = process.stdout) {
  bar?.stop();
  stream.write(`${text}\n`);
}

let db: Database | undefined;
const stop = new AbortController();
takeOverSignals();
const onSignal = () => {
  if (stop.signal.aborted) {
    bar?.stop();
    console.error("Quit. The run stays open; the next sync resumes it.");
    void (db?.embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
    return;
  }
  say("Stopping at the next safe point (press Ctrl-C again to quit at once)...", process.stderr);
  stop.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const config = loadConfig();
db = await openDatabase(config, { attach: true });
if (stop.signal.aborted) {
  await db.embedded?.stop();
  process.exit(130);
}
process.env.DATABASE_URL = db.url;
// An idle connection dropped (a database restart, or ours stopping below before the pool's
// connections finished closing) must not crash the process: queries in use report their own errors.
pool().on("error", () => undefined);

const kind = args.full ? "full" : "incremental";
console.log(`Starting ${args.full ? "a full" : "an incremental"} sync${args.species ? ` of species ${args.species}` : ""} from ${config.ALA_BIOCACHE_URL}`);

const started = Date.now();
let code: number;
try {
  const result = await runSync({
    kind,
    trigger: "cli",
    species: args.species?.trim(),
    signal: stop.signal,
    client: createSyncClient({ logger: { warn: () => undefined }, onRetry: (r) => say(retryLine(r), process.stderr) }),
    onProgress: (p) => {
      if (bar) {
        const payload = { phase: phaseLabel(p.phase), counts: countsText(p) };
        if (p.phase !== phase || !bar.isActive) bar.start(p.total, p.done, payload);
        else {
          if (bar.getTotal() !== p.total) bar.setTotal(p.total);
          bar.update(p.done, payload);
        }
      } else if (p.phase !== phase || Date.now() - lastLine >= LINE_EVERY_MS) {
        lastLine = Date.now();
        console.log(progressLine(p));
      }
      phase = p.phase;
    },
  });
  bar?.stop();
  const lines = summaryLines(result, Date.now() - started);
  if (result.status === "failed") {
    for (const line of lines) console.error(line);
  } else {
    for (const line of lines) console.log(line);
  }
  if (args.species && result.status === "succeeded" && !result.resumed && result.run?.remoteTotal === 0) {
    console.log(`The source lists no relevant records for species ${args.species}: check the guid.`);
  }
  code = result.status === "succeeded" ? 0 : result.status === "stopped" ? 130 : 1;
} catch (err) {
  bar?.stop();
  if (err instanceof SyncAlreadyRunning) {
    console.error(
      `Another sync is already running${err.runId === null ? "" : ` (run ${err.runId})`}: not starting a second one. ` +
        "Wait for it to finish, or follow it in the admin console.",
    );
  } else {
    console.error(`Sync could not run: ${err instanceof Error ? err.message : String(err)}`);
  }
  code = 1;
}
await closePool();
await db.embedded?.stop();
process.exit(code);
