/**
 * Incremental sync after 1 % of the records changed at the source (re-georeferenced through the
 * simulator's control API, which also moves their lastLoadDate): only changed records travel.
 */
import type { BenchDatabase } from "./database";
import { timedSync, type SyncFigures } from "./import";
import type { Say } from "./progress";
import { changeRecords, type SimulatorProcess } from "./simulator";

export interface IncrementalFigures extends SyncFigures {
  changedAtSource: number;
  recordsPerSecond: number;
}

export async function benchIncremental(db: BenchDatabase, sim: SimulatorProcess, liveRecords: number, say: Say): Promise<IncrementalFigures> {
  const changedAtSource = await changeRecords(sim, Math.max(1, Math.round(liveRecords / 100)));
  say(`  ${changedAtSource.toLocaleString("en")} records changed at the source`);
  const sync = await timedSync("incremental", db, sim, say);
  return { ...sync, changedAtSource, recordsPerSecond: Math.round(sync.fetched / sync.seconds) };
}
