/**
 * Sources on the job queue (pg-boss): an admin's "sync now" or upload is a `source-sync` job, and
 * each source's own schedule is kept by a one-minute clock that imports, one after another, the
 * sources whose cron has come due since their last run. Runs take the same cross-process lock as
 * the ALA sync (lib/sources/run.ts), so only one sync or import runs at a time; a job that finds
 * it taken is retried, and a due source stays due until it has run.
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

export const SOURCE_QUEUES = { sync: "source-sync", clock: "source-clock" } as const;

export interface SourceSyncJob {
  sourceId: number;
  /** An uploaded archive under DATA_DIR/sources/uploads, removed once imported. */
  file?: string;
}

export function uploadsDir(): string {
  return path.join(config().DATA_DIR, "sources", "uploads");
}

async function ensure(boss: PgBoss, options: PgBoss.Queue): Promise<void> {
  if (await boss.getQueue(options.name)) await boss.updateQueue(options.name, options);
  else await boss.createQueue(options.name, options);
}

async function ensureQueues(boss: PgBoss): Promise<void> {
  await ensure(boss, { name: SOURCE_QUEUES.sync, policy: "standard", retryLimit: 60, retryDelay: 60, expireInHours: 23 });
  await ensure(boss, { name: SOURCE_QUEUES.clock, policy: "singleton", retryLimit: 0, expireInHours: 23 });
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

/** Imports every source whose schedule has come due, one after another. */
export async function handleSourceClock(now = new Date()): Promise<number[]> {
  const { rows } = await pool().query<{ id: number; cron: string; since: Date }>(
    `SELECT s.id, s.cron, coalesce((SELECT max(started_at) FROM source_runs r WHERE r.source_id = s.id), s.created_at) AS since
     FROM sources s WHERE s.enabled AND s.cron IS NOT NULL AND s.id <> 1 ORDER BY s.id`,
  );
  const ran: number[] = [];
  for (const s of rows) {
    if (!isDue(s.cron, s.since, now)) continue;
    try {
      await runSource(pool(), s.id);
      ran.push(s.id);
    } catch (error) {
      // Its own run is under way (started elsewhere): the next source's turn.
      if (error instanceof SourceRunningError) continue;
      // Busy: it stays due and the next tick tries again.
      if (!(error instanceof SourceBusyError)) log.error({ err: error, sourceId: s.id }, "scheduled source import failed");
      break;
    }
  }
  return ran;
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
  await boss.work<SourceSyncJob>(SOURCE_QUEUES.sync, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => handleSourceSync(job.data));
  await boss.work(SOURCE_QUEUES.clock, { batchSize: 1, pollingIntervalSeconds: 10 }, async () => {
    await handleSourceClock();
  });
}
