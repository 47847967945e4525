/**
 * Sources on the job queue (pg-boss). An admin's "sync now" or upload is a `source-sync` job. Each
 * source's own schedule is kept by a one-minute clock that queues a `source-due` job for every
 * source whose cron has come due since its last run (at most one waiting per source). The worker
 * runs several source jobs at once, so a GBIF run waiting hours for its download holds up no
 * other source; the imports themselves still take the ALA sync's cross-process lock
 * (lib/sources/run.ts), so only one writes at a time: a job that finds it taken is retried, and
 * a due source stays due until it has run.
 */
import fs from "node:fs";
import path from "node:path";
import parser from "cron-parser";
import type PgBoss from "pg-boss";
import type pg from "pg";
import { scheduleTimeZone } from "@/lib/jobs/schedule";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { queue } from "@/lib/jobs/queue";
import { log } from "@/lib/log";
import { runSource, SourceBusyError, SourceRunningError } from "./run";
import { sourceLockHeldSql } from "./source-lock";

export const SOURCE_QUEUES = { sync: "source-sync", due: "source-due", clock: "source-clock" } as const;

/** Source jobs a worker runs at once, each queue: a GBIF run can wait hours for its download. */
const SOURCE_JOB_WORKERS = 3;

export interface SourceSyncJob {
  sourceId: number;
  /** An uploaded archive under DATA_DIR/sources/uploads, removed once imported. */
  file?: string;
}

/** A run the sources' clock queued for a source whose schedule came due at `dueAt` (ISO time). */
export interface SourceDueJob {
  sourceId: number;
  dueAt: string;
}

export function uploadsDir(): string {
  return path.join(config().DATA_DIR, "sources", "uploads");
}

async function ensure(boss: PgBoss, options: PgBoss.Queue): Promise<void> {
  if (await boss.getQueue(options.name)) await boss.updateQueue(options.name, options);
  else await boss.createQueue(options.name, options);
}

const ensured = new WeakSet<PgBoss>();

async function ensureQueues(boss: PgBoss): Promise<void> {
  if (ensured.has(boss)) return;
  await ensure(boss, { name: SOURCE_QUEUES.sync, policy: "standard", retryLimit: 60, retryDelay: 60, expireInHours: 23 });
  // stately, keyed by source: a source due again while its job waits or runs is not queued twice.
  await ensure(boss, { name: SOURCE_QUEUES.due, policy: "stately", retryLimit: 60, retryDelay: 60, expireInHours: 23 });
  await ensure(boss, { name: SOURCE_QUEUES.clock, policy: "singleton", retryLimit: 0, expireInHours: 23 });
  ensured.add(boss);
}

export async function enqueueSourceSync(job: SourceSyncJob): Promise<void> {
  const boss = await queue();
  await ensureQueues(boss);
  await boss.send(SOURCE_QUEUES.sync, job);
}

export async function handleSourceSync(job: SourceSyncJob): Promise<void> {
  try {
    await runSource(pool(), job.sourceId, { file: job.file });
  } catch (error) {
    // Retried by the queue: the lock is taken, or an upload arrived while its source was importing.
    if (error instanceof SourceBusyError || (error instanceof SourceRunningError && job.file)) throw error;
    // "Sync now" while the source's run is under way (a GBIF run waiting for its download): that run covers it.
    if (error instanceof SourceRunningError) log.info({ sourceId: job.sourceId }, error.message);
    else log.error({ err: error, sourceId: job.sourceId }, "source sync job failed");
  }
  if (job.file && path.resolve(job.file).startsWith(uploadsDir() + path.sep)) fs.rmSync(job.file, { force: true });
}

/** Whether a cron has come due after `since` (the last run's start) by `now`. */
export function isDue(cron: string, since: Date, now: Date, tz = scheduleTimeZone()): boolean {
  try {
    return parser.parseExpression(cron, { tz, currentDate: since }).next().toDate() <= now;
  } catch {
    return false;
  }
}

/** Queues a run of every source whose schedule has come due; the ids it queued (none already waiting). */
export async function handleSourceClock(now = new Date()): Promise<number[]> {
  const { rows } = await pool().query<{ id: number; cron: string; since: Date }>(
    `SELECT s.id, s.cron, coalesce((SELECT max(started_at) FROM source_runs r WHERE r.source_id = s.id), s.created_at) AS since
     FROM sources s WHERE s.enabled AND s.cron IS NOT NULL AND s.id <> 1 ORDER BY s.id`,
  );
  const boss = await queue();
  await ensureQueues(boss);
  const queued: number[] = [];
  for (const s of rows) {
    if (!isDue(s.cron, s.since, now)) continue;
    const job: SourceDueJob = { sourceId: s.id, dueAt: now.toISOString() };
    const id = await boss.send(SOURCE_QUEUES.due, job, { singletonKey: `source-${s.id}` });
    if (id) queued.push(s.id);
  }
  return queued;
}

/**
 * Runs a due source, unless a run of it started once it was due: a job retried while the lock was
 * taken can have a twin the clock queued meanwhile, and one run covers both.
 */
export async function handleSourceDue(job: SourceDueJob): Promise<void> {
  const { rows } = await pool().query<{ ran: boolean }>("SELECT EXISTS (SELECT 1 FROM source_runs WHERE source_id = $1 AND started_at >= $2) AS ran", [job.sourceId, job.dueAt]);
  if (rows[0].ran) log.info({ sourceId: job.sourceId }, "scheduled source run skipped: it has run since it came due");
  else await handleSourceSync({ sourceId: job.sourceId });
}

/**
 * GBIF sources whose last run was left waiting or running by a process that stopped (nobody holds
 * the source's lock). The worker queues them again when it starts, and each new run continues
 * from the checkpointed download key (./gbif/checkpoint.ts), so a restart loses no run.
 */
export async function interruptedGbifSources(db: pg.Pool): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT s.id FROM sources s
     JOIN LATERAL (SELECT status FROM source_runs WHERE source_id = s.id ORDER BY id DESC LIMIT 1) r ON true
     WHERE s.enabled AND s.kind = 'gbif' AND r.status IN ('waiting', 'running') AND NOT ${sourceLockHeldSql("s.id")}
     ORDER BY s.id`,
  );
  return rows.map((r) => r.id);
}

/** The worker's part: the queues, the clock's schedule, and handlers for both. */
export async function startSourceWorker(boss: PgBoss): Promise<void> {
  await ensureQueues(boss);
  const interrupted = await interruptedGbifSources(pool());
  for (const sourceId of interrupted) await boss.send(SOURCE_QUEUES.sync, { sourceId } satisfies SourceSyncJob);
  if (interrupted.length) log.info({ sources: interrupted }, "interrupted GBIF runs queued again");
  await boss.schedule(SOURCE_QUEUES.clock, "* * * * *");
  // pg-boss 10 runs one job at a time per work(): several of them are the worker's concurrency.
  for (let i = 0; i < SOURCE_JOB_WORKERS; i++) {
    await boss.work<SourceSyncJob>(SOURCE_QUEUES.sync, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => handleSourceSync(job.data));
    await boss.work<SourceDueJob>(SOURCE_QUEUES.due, { batchSize: 1, pollingIntervalSeconds: 10 }, async ([job]) => handleSourceDue(job.data));
  }
  await boss.work(SOURCE_QUEUES.clock, { batchSize: 1, pollingIntervalSeconds: 10 }, async () => {
    await handleSourceClock();
  });
}
