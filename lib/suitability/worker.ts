/**
 * The worker's side of the models: the fit-model queue (one fit at a time: a fit holds its rows
 * and a thread), and the sweep that queues again fits left by a worker that died.
 */
import type PgBoss from "pg-boss";
import { QUEUES, type FitModelJob } from "@/lib/jobs/queue";
import { log } from "@/lib/log";
import { handleFitModel } from "./job";
import { requeueOrphanedFits, requeueWaiting } from "./store";

const SWEEP_MS = 60_000;

export async function startModelWork(boss: PgBoss): Promise<{ stop(): void }> {
  await boss.work<FitModelJob>(QUEUES.fitModel, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    const result = await handleFitModel(job.data);
    log.debug({ speciesId: job.data.speciesId, result }, "fit-model job done");
  });
  const sweep = () => void requeueOrphanedFits().catch((err: unknown) => log.error({ err }, "could not requeue orphaned model fits"));
  sweep();
  await requeueWaiting().catch((err: unknown) => log.error({ err }, "could not queue the species waiting for a model"));
  const timer = setInterval(sweep, SWEEP_MS);
  return { stop: () => clearInterval(timer) };
}
