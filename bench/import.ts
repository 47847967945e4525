/**
 * Full import, end to end: the sync (lib/sync runSync, as `npm run sync -- --full` runs it) pages
 * every record out of the simulator over HTTP, rates it and upserts it into PostgreSQL.
 */
import { createAlaClient } from "@/lib/ala/client";
import type { ProgressSnapshot } from "@/lib/sync/progress";
import { runSync } from "@/lib/sync/run";
import type { BenchDatabase } from "./database";
import { cpuMeter, cpuSeconds, PeakSampler, peakRss, resetPeak, round } from "./procstat";
import { throttle, type Say } from "./progress";
import type { SimulatorProcess } from "./simulator";

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

export interface ImportFigures extends SyncFigures {
  /** Records stored (fetched minus skipped), per second of the whole run. */
  recordsPerSecond: number;
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
export async function timedSync(kind: "full" | "incremental", db: BenchDatabase, sim: SimulatorProcess, say: Say): Promise<SyncFigures> {
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
  const result = await runSync({ kind, trigger: "cli", client: simulatorClient(sim), onProgress });
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

export async function benchImport(db: BenchDatabase, sim: SimulatorProcess, say: Say): Promise<ImportFigures> {
  resetPeak(process.pid);
  resetPeak(sim.pid);
  const dbMemory = new PeakSampler(() => db.processes.memory());
  const sync = await timedSync("full", db, sim, say);
  const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM occurrences");
  return {
    ...sync,
    recordsPerSecond: Math.round(rows[0].n / sync.seconds),
    importerPeakRssBytes: peakRss(process.pid),
    databasePeakBytes: dbMemory.stop(),
    simulatorPeakRssBytes: peakRss(sim.pid),
  };
}
