/**
 * Generating a large world on several cores: every record but its duplicate link depends on
 * (seed, index) alone, so worker threads fill ranges of shared columns at once; the links are then
 * made in record order (World). The result is the same world a single thread makes.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ColumnBuffers, Columns } from "./columns";

export interface FillJob {
  seed: number;
  snapshotMs: number;
  historySize: number;
  capacity: number;
  buffers: ColumnBuffers;
  from: number;
  to: number;
}

/** Below this many records one thread is as quick: starting a worker (and its TypeScript) takes a second or two. */
export const PARALLEL_FROM = 4_000_000;

export function defaultThreads(records: number): number {
  return records < PARALLEL_FROM ? 1 : Math.max(1, Math.min(availableParallelism(), 8));
}

const WORKER = new URL("./generate-worker.mjs", import.meta.url);

/** Fills records [0, records) of `cols` (on SharedArrayBuffers) with `threads` workers. */
export async function fillInParallel(cols: Columns, o: { seed: number; snapshotMs: number; records: number; threads: number }): Promise<void> {
  const per = Math.ceil(o.records / o.threads);
  const buffers = cols.buffers();
  const jobs: Promise<void>[] = [];
  for (let from = 0; from < o.records; from += per) {
    const job: FillJob = { seed: o.seed, snapshotMs: o.snapshotMs, historySize: o.records, capacity: cols.capacity, buffers, from, to: Math.min(o.records, from + per) };
    const worker = new Worker(WORKER, { workerData: job });
    jobs.push(
      new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
        worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`generator worker exited with ${code}`))));
      }),
    );
  }
  await Promise.all(jobs);
}
