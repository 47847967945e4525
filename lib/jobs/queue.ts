/**
 * The job queue (pg-boss, in the `pgboss` schema of Edgar's own database). Web processes only
 * send; the worker (workers/) also works the queues and keeps the sync schedule.
 *
 * The queue only carries work; correctness does not depend on it: a sync's row in sync_runs and
 * the sync's advisory lock decide what runs (lib/sync), and re-classification is idempotent.
 */
import PgBoss from "pg-boss";
import { log } from "@/lib/log";
import { wakeWorkers } from "./wake";

export const QUEUES = {
  /** `{ runId }`: run (or resume) that queued sync_runs row. */
  sync: "sync",
  /** Cron-scheduled: start an incremental sync unless one is queued or running. */
  scheduledSync: "scheduled-sync",
  /** `{ speciesId }`: re-classify a species' records from its live vettings. */
  applyVettings: "apply-vettings",
  /** `{ speciesId }`: prebuild a species' coarse tile cells and exact-band chunks for its new data version (after a vetting). */
  prebuildTiles: "prebuild-tiles",
  /** `{ speciesId }`: rebuild a species' range products (lib/distribution) if its records changed. */
  buildDistribution: "build-distribution",
  /** `{ speciesId, requested }`: fit a species' suitability model (lib/suitability) if its records changed enough, or was asked. */
  fitModel: "fit-model",
} as const;

export interface SyncJob {
  runId: number;
}
export interface ApplyVettingsJob {
  speciesId: number;
}
export interface PrebuildTilesJob {
  speciesId: number;
}
export interface BuildDistributionJob {
  speciesId: number;
}
export interface FitModelJob {
  speciesId: number;
  /** An expert asked (or the species had no model yet): fit even if little changed. */
  requested?: boolean;
}

/**
 * A rebuild waits this long after it is asked for, and asks made meanwhile join it (stately queue,
 * one waiting job per species): a burst of vettings costs one build.
 */
export const DISTRIBUTION_DEBOUNCE_SECONDS = 2;

let shared: { url: string; boss: Promise<PgBoss> } | undefined;

/** The process's pg-boss, started on first use. `worker` also runs maintenance and the cron clock. */
export function queue({ worker = false } = {}): Promise<PgBoss> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Edgar with `npm start`, which provides the database");
  if (shared?.url === url) return shared.boss;
  const boss = new PgBoss({ connectionString: url, application_name: "edgar-queue", max: 4, supervise: worker, schedule: worker });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  const started = boss.start().then(async () => {
    // Sync runs last hours; their own row (not the job) is what tracks and resumes them.
    await ensureQueue(boss, { name: QUEUES.sync, policy: "standard", retryLimit: 0, expireInHours: 23 });
    await ensureQueue(boss, { name: QUEUES.scheduledSync, policy: "singleton", retryLimit: 0, expireInHours: 23 });
    // stately: per species at most one waiting job; a vetting made while one runs queues exactly one more.
    await ensureQueue(boss, { name: QUEUES.applyVettings, policy: "stately", retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInMinutes: 30 });
    // stately too: vettings made while a prebuild runs cost one more prebuild, of the latest version.
    await ensureQueue(boss, { name: QUEUES.prebuildTiles, policy: "stately", retryLimit: 1, retryDelay: 10, expireInMinutes: 30 });
    await ensureQueue(boss, { name: QUEUES.buildDistribution, policy: "stately", retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInMinutes: 30 });
    // A fit of a large species takes minutes; its species_models row, not the job, says whether it is alive.
    await ensureQueue(boss, { name: QUEUES.fitModel, policy: "stately", retryLimit: 2, retryDelay: 30, expireInHours: 2 });
    return boss;
  });
  shared = { url, boss: started };
  started.catch(() => {
    if (shared?.boss === started) shared = undefined;
  });
  return started;
}

async function ensureQueue(boss: PgBoss, options: PgBoss.Queue): Promise<void> {
  if (await boss.getQueue(options.name)) await boss.updateQueue(options.name, options);
  else await boss.createQueue(options.name, options);
}

export async function stopQueue(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current.boss).stop({ graceful: true, close: true, wait: true, timeout: 30_000 });
}

/** Asks a worker to run a queued sync_runs row. */
export async function enqueueSync(job: SyncJob): Promise<void> {
  await (await queue()).send(QUEUES.sync, job);
}

/** Asks a worker to re-classify a species (after a vetting was made, changed or deleted). */
export async function enqueueApplyVettings(job: ApplyVettingsJob): Promise<void> {
  await (await queue()).send(QUEUES.applyVettings, job, { singletonKey: String(job.speciesId) });
  // An expert is watching the map: the worker starts now rather than at its next poll.
  await wakeWorkers(QUEUES.applyVettings);
}

/**
 * Asks a worker to prebuild a species' tile cells and chunks (seconds for a large species): a job
 * of its own, so the re-classification queue is not held while it runs.
 */
export async function enqueuePrebuildTiles(job: PrebuildTilesJob): Promise<void> {
  await (await queue()).send(QUEUES.prebuildTiles, job, { singletonKey: String(job.speciesId) });
  await wakeWorkers(QUEUES.prebuildTiles);
}

/**
 * Asks a worker to rebuild a species' range products (debounced; a build of an unchanged species
 * does nothing). `urgent` (after a vetting: an expert is watching) goes before a sync's backlog.
 */
export async function enqueueDistribution(job: BuildDistributionJob, { urgent = false } = {}): Promise<void> {
  await (await queue()).send(QUEUES.buildDistribution, job, { singletonKey: String(job.speciesId), startAfter: DISTRIBUTION_DEBOUNCE_SECONDS, priority: urgent ? 1 : 0 });
}

/** Priority of a requested fit (an expert asked) over the backlog of changes (0). */
export const FIT_REQUEST_PRIORITY = 10;

/** Asks a worker to fit a species' model. Requests (an expert asked) go before the backlog of changes. */
export async function enqueueFitModel(job: FitModelJob): Promise<void> {
  const boss = await queue();
  const id = await boss.send(QUEUES.fitModel, job, { singletonKey: String(job.speciesId), priority: job.requested ? FIT_REQUEST_PRIORITY : 0 });
  if (id !== null || !job.requested) return;
  // stately: a job already waiting for this species was kept and this one dropped. A request
  // joining it must not wait behind the backlog as the change it joined would: it takes the
  // request's priority and flag (never lowering them).
  await boss
    .getDb()
    .executeSql(
      `UPDATE pgboss.job SET priority = greatest(priority, $3), data = data || '{"requested": true}'::jsonb
        WHERE name = $1 AND singleton_key = $2 AND state = 'created'`,
      [QUEUES.fitModel, String(job.speciesId), FIT_REQUEST_PRIORITY],
    );
}
