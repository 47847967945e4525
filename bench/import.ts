/**
 * Full import, end to end: the sync (lib/sync runSync, as `npm run sync -- --full` runs it) reads
 * every record out of the simulator over HTTP, rates it and upserts it into PostgreSQL. Two paths
 * on the same data: offline downloads (what the sync does against the ALA, whose search stops at
 * 5 000 records a query) and search paging (the path before it, run with the simulator's page
 * depth switched off, since against the ALA it cannot read more than 5 000 records a species).
 *
 * The download path is timed twice (benchDownloadImports): as it comes, the simulator making each
 * zip while Edgar reads the one before, on the same two cores; then again on a fresh database with
 * the zips already made, as the ALA makes them on its own machines.
 *
 * `npm run bench` runs all three on its world. Alone, `npx tsx bench/import.ts [--world N]
 * [--search | --zips-ready]` imports an N-record world (default 5 000 000) by one path into a
 * fresh database (with `--zips-ready`, both download imports) and nothing else: the 5 M import's
 * memory and rate without the hour of the other phases.
 */
import "./env";
import os from "node:os";
import { z } from "zod";
import { createAlaClient } from "@/lib/ala/client";
import type { ProgressSnapshot } from "@/lib/sync/progress";
import { runSync } from "@/lib/sync/run";
import { runIfMain } from "./child";
import { onFreshDatabase, withBenchDatabase, worldArg, type BenchDatabase } from "./database";
import { cpuMeter, cpuSeconds, PeakSampler, peakRss, resetPeak, round } from "./procstat";
import { throttle, type Say } from "./progress";
import { publishFigures } from "./report";
import { startSimulatorProcess, type SimulatorProcess } from "./simulator";

export interface SyncFigures {
  /** Records the sync received from the simulator. */
  fetched: number;
  added: number;
  updated: number;
  skipped: number;
  seconds: number;
  /** Seconds spent in each of the sync's phases (species list, fetch, reconcile, stats, images...). */
  phaseSeconds: Record<string, number>;
  /** CPU seconds per process during the run: where the machine's cores went. */
  cpuSeconds: Record<string, number | null>;
}

export type ImportPath = "download" | "search";

export interface ImportFigures extends SyncFigures {
  path: ImportPath;
  /** Records stored (fetched minus skipped), per second of the whole run. */
  recordsPerSecond: number;
  /** The importing process's CPU per stored record (the simulator's work is apart: the ALA does it on its machines). */
  importerMicrosPerRecord: number | null;
  simulatorMicrosPerRecord: number | null;
  /** Peak RSS of the importing (bench) process. */
  importerPeakRssBytes: number | null;
  /** Peak memory of PostgreSQL's processes together (sum of PSS, sampled every 2 s). */
  databasePeakBytes: number;
  simulatorPeakRssBytes: number | null;
}

export function simulatorClient(sim: SimulatorProcess) {
  return createAlaClient({ biocacheUrl: sim.url, imagesUrl: sim.url, retries: 3, retryBaseMs: 500, timeoutMs: 120_000 });
}

/** One sync run with CPU accounting; throws unless it succeeds. */
export async function timedSync(kind: "full" | "incremental", db: BenchDatabase, sim: SimulatorProcess, say: Say, bulkReads: ImportPath = "download"): Promise<SyncFigures> {
  const cpu = cpuMeter({
    importer: () => cpuSeconds(process.pid),
    database: () => db.processes.cpu(),
    simulator: () => cpuSeconds(sim.pid),
  });
  const report = throttle((p: ProgressSnapshot) => say(`  ${kind} sync: ${p.phase} ${p.done.toLocaleString("en")} / ${p.total.toLocaleString("en")}`), 10_000);
  let fetched = 0;
  const phaseSeconds: Record<string, number> = {};
  let phase = { name: "start", at: performance.now() };
  const onProgress = (p: ProgressSnapshot) => {
    if (p.phase === "fetch") fetched = p.done;
    if (p.phase !== phase.name) {
      const now = performance.now();
      phaseSeconds[phase.name] = round((phaseSeconds[phase.name] ?? 0) + (now - phase.at) / 1000, 2);
      phase = { name: p.phase, at: now };
    }
    report(p);
  };
  const started = performance.now();
  const result = await runSync({ kind, trigger: "cli", client: simulatorClient(sim), onProgress, bulkReads, downloads: { email: "bench@example.org", pollMs: 100 } });
  const seconds = (performance.now() - started) / 1000;
  phaseSeconds[phase.name] = round((phaseSeconds[phase.name] ?? 0) + (performance.now() - phase.at) / 1000, 2);
  if (result.status !== "succeeded" || !result.run) throw new Error(`the ${kind} sync did not succeed: ${result.error ?? result.status}`);
  const { counts } = result.run;
  return {
    fetched,
    added: counts.added,
    updated: counts.updated,
    skipped: counts.skipped,
    seconds: round(seconds, 2),
    phaseSeconds,
    cpuSeconds: cpu(),
  };
}

const depthSchema = z.object({ pageDepthMax: z.number() });

export async function benchImport(db: BenchDatabase, sim: SimulatorProcess, say: Say, path: ImportPath): Promise<ImportFigures> {
  resetPeak(process.pid);
  resetPeak(sim.pid);
  const dbMemory = new PeakSampler(() => db.processes.memory());
  // Search paging reads everything only from a service without the ALA's page depth.
  const depth = await sim.control("GET", "/search", undefined, depthSchema);
  if (path === "search") await sim.control("POST", "/search", { pageDepthMax: 0 }, depthSchema);
  let sync: SyncFigures;
  try {
    sync = await timedSync("full", db, sim, say, path);
  } finally {
    await sim.control("POST", "/search", depth, depthSchema);
  }
  const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM occurrences");
  const perRecord = (cpu: number | null) => (cpu === null || rows[0].n === 0 ? null : round((cpu * 1e6) / rows[0].n, 1));
  return {
    ...sync,
    path,
    recordsPerSecond: Math.round(rows[0].n / sync.seconds),
    importerMicrosPerRecord: perRecord(sync.cpuSeconds.importer),
    simulatorMicrosPerRecord: perRecord(sync.cpuSeconds.simulator),
    importerPeakRssBytes: peakRss(process.pid),
    databasePeakBytes: dbMemory.stop(),
    simulatorPeakRssBytes: peakRss(sim.pid),
  };
}

const downloadSettings = z.object({ settings: z.object({ reuseZips: z.boolean() }) });

/**
 * The download import as it comes, then again on a second fresh database with its zips already
 * made: the simulator keeps the zips the first import had it make (`reuseZips`) and gives them at
 * once to the same requests, so the second import's rate is Edgar's own, with the making of the
 * zips (the ALA's work, simulatorMicrosPerRecord of the first) done elsewhere.
 */
export async function benchDownloadImports(db: BenchDatabase, sim: SimulatorProcess, say: Say): Promise<{ imported: ImportFigures; zipsReady: ImportFigures }> {
  await sim.control("POST", "/downloads", { reuseZips: true }, downloadSettings);
  try {
    const imported = await benchImport(db, sim, say, "download");
    say(`  ${imported.recordsPerSecond.toLocaleString("en")} records/s through downloads`);
    say("the same import with its zips already made (the ALA's work done elsewhere), on a second fresh PostgreSQL");
    const zipsReady = await onFreshDatabase(db.url, (other) => benchImport(other, sim, say, "download"));
    say(`  ${zipsReady.recordsPerSecond.toLocaleString("en")} records/s through downloads already made`);
    return { imported, zipsReady };
  } finally {
    await sim.control("POST", "/downloads", { reuseZips: false }, downloadSettings);
  }
}

/** Standalone: the figures as JSON on stdout and in bench/results/import-<date>.json. */
async function main(): Promise<void> {
  const worldRecords = worldArg(process.argv);
  const importPath: ImportPath = process.argv.includes("--search") ? "search" : "download";
  const say = (line: string) => console.error(line);
  say(`starting the ALA simulator with ${worldRecords.toLocaleString("en")} records (seed 1)`);
  const sim = await startSimulatorProcess(worldRecords, 1);
  try {
    await withBenchDatabase(async (db) => {
      const loadBefore = os.loadavg();
      const figures = process.argv.includes("--zips-ready")
        ? await benchDownloadImports(db, sim, say).then(({ imported, zipsReady }) => ({ ...imported, zipsReady }))
        : await benchImport(db, sim, say, importPath);
      const result = { date: new Date().toISOString(), worldRecords, loadAverage: { before: loadBefore, after: os.loadavg() }, ...figures };
      publishFigures("import", result);
    });
  } finally {
    await sim.stop();
  }
}

runIfMain(import.meta.url, main);
