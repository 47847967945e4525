/**
 * sync_runs rows: creating, claiming, finishing, and the contract's SyncRun JSON shape.
 * The unique partial index sync_runs_one_active allows one queued-or-running row at a time.
 */
import type pg from "pg";
import { transaction } from "@/lib/db/transaction";
import { SyncAlreadyRunning } from "./errors";

export type SyncKind = "incremental" | "full";
/** `startup`: the first sync of a database that has never synced, started by the worker. */
export type SyncTrigger = "admin" | "schedule" | "cli" | "startup";
export type SyncStatus = "queued" | "running" | "succeeded" | "failed";

export interface SyncRunRow {
  id: number;
  kind: SyncKind;
  status: SyncStatus;
  trigger: string;
  requested_by_id: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  since: Date | null;
  phase: string;
  done: number;
  total: number;
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  skipped_by_reason: Record<string, number>;
  remote_total: number | null;
  local_total: number | null;
  error: string | null;
  error_detail: unknown;
  heartbeat_at: Date | null;
  message: string | null;
  warnings: CountWarning[];
  /** sources.id of the source synced: 1, the ALA, or a Living Atlas source (docs/sources.md). */
  source_id: number;
}

/** A species the final count check named (docs/sync.md, "Counts must match"). */
export interface CountWarning {
  guid: string;
  name: string | null;
  remote: number;
  local: number;
  malformed: number;
  /** `differs`: the counts still differ after reconciliation (the run fails); `malformed`: over 1 % of its records could not be read. */
  reason: "differs" | "malformed";
}

/** The contract's SyncRun (docs CONTRACT.md), plus a few extra fields the admin console shows. */
export interface SyncRun {
  id: number;
  kind: SyncKind;
  status: SyncStatus;
  startedAt: string | null;
  finishedAt: string | null;
  since: string | null;
  progress: { phase: string; done: number; total: number; message: string | null };
  counts: { added: number; updated: number; deleted: number; skipped: number };
  remoteTotal: number | null;
  localTotal: number | null;
  error: string | null;
  trigger: string;
  queuedAt: string;
  heartbeatAt: string | null;
  skippedByReason: Record<string, number>;
  errorDetail: unknown;
  warnings: CountWarning[];
}

type Db = pg.Pool | pg.PoolClient | pg.Client;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSyncRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    since: iso(row.since),
    progress: { phase: row.phase, done: row.done, total: row.total, message: row.message },
    counts: { added: row.added, updated: row.updated, deleted: row.deleted, skipped: row.skipped },
    remoteTotal: row.remote_total,
    localTotal: row.local_total,
    error: row.error,
    trigger: row.trigger,
    queuedAt: row.queued_at.toISOString(),
    heartbeatAt: iso(row.heartbeat_at),
    skippedByReason: row.skipped_by_reason,
    errorDetail: row.error_detail,
    warnings: row.warnings,
  };
}

export async function getRun(db: Db, id: number): Promise<SyncRunRow | null> {
  const { rows } = await db.query<SyncRunRow>("SELECT * FROM sync_runs WHERE id = $1", [id]);
  return rows[0] ?? null;
}

/** The queued or running row, if any. */
export async function activeRun(db: Db): Promise<SyncRunRow | null> {
  const { rows } = await db.query<SyncRunRow>("SELECT * FROM sync_runs WHERE status IN ('queued', 'running')");
  return rows[0] ?? null;
}

export interface NewRun {
  kind: SyncKind;
  trigger: SyncTrigger;
  requestedById?: string | null;
  /** The source synced (sources.id); the ALA when left out. */
  sourceId?: number;
}

/** Inserts a queued row; SyncAlreadyRunning when one is queued or running already. */
export async function insertRun(db: Db, run: NewRun): Promise<number> {
  try {
    const { rows } = await db.query<{ id: number }>(
      "INSERT INTO sync_runs (kind, trigger, requested_by_id, source_id) VALUES ($1, $2, $3, $4) RETURNING id",
      [run.kind, run.trigger, run.requestedById ?? null, run.sourceId ?? 1],
    );
    return rows[0].id;
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).constraint === "sync_runs_one_active") {
      const active = await activeRun(db).catch(() => null);
      throw new SyncAlreadyRunning(active?.id ?? null);
    }
    throw err;
  }
}

/**
 * Marks the run running. The first start fixes its start time and `since` (the last successful
 * import, null for a full import); a resumed run keeps both, so the last import time it stores
 * on success is the original start.
 */
export async function startRun(db: Db, id: number): Promise<SyncRunRow> {
  const { rows } = await db.query<SyncRunRow>(
    `UPDATE sync_runs r SET
       status = 'running',
       since = CASE WHEN r.started_at IS NOT NULL THEN r.since
                    WHEN r.kind = 'full' THEN NULL
                    WHEN r.source_id = 1 THEN (SELECT last_import_at FROM sync_state WHERE id = 1)
                    ELSE (SELECT last_import_at FROM sources WHERE id = r.source_id) END,
       started_at = COALESCE(r.started_at, now()),
       heartbeat_at = now(),
       error = NULL,
       error_detail = NULL
     WHERE r.id = $1
     RETURNING *`,
    [id],
  );
  if (!rows[0]) throw new Error(`sync run ${id} does not exist`);
  return rows[0];
}

/**
 * Success: the run's start time becomes the last import time, in the same transaction: the ALA's
 * in sync_state, another source's in its sources row.
 */
export async function succeedRun(pool: pg.Pool, id: number, totals: { remoteTotal: number; localTotal: number }): Promise<void> {
  await transaction(async (client) => {
    const { rows } = await client.query<{ started_at: Date; source_id: number }>(
      `UPDATE sync_runs SET status = 'succeeded', phase = 'done', finished_at = now(), heartbeat_at = now(),
         remote_total = $2, local_total = $3
       WHERE id = $1 AND status = 'running' RETURNING started_at, source_id`,
      [id, totals.remoteTotal, totals.localTotal],
    );
    if (!rows[0]) throw new Error(`sync run ${id} is no longer running`);
    if (rows[0].source_id === 1) await client.query("UPDATE sync_state SET last_import_at = $1, last_run_id = $2 WHERE id = 1", [rows[0].started_at, id]);
    else await client.query("UPDATE sources SET last_import_at = $1 WHERE id = $2", [rows[0].started_at, rows[0].source_id]);
  }, pool);
}

/** A species-limited run succeeds without moving the last import time (it did not look at everything). */
export async function succeedPartialRun(db: Db, id: number, totals: { remoteTotal: number; localTotal: number }): Promise<void> {
  await db.query(
    `UPDATE sync_runs SET status = 'succeeded', phase = 'done', finished_at = now(), heartbeat_at = now(),
       remote_total = $2, local_total = $3
     WHERE id = $1 AND status = 'running'`,
    [id, totals.remoteTotal, totals.localTotal],
  );
}

export async function failRun(db: Db, id: number, error: string, detail: unknown): Promise<void> {
  await db.query(
    `UPDATE sync_runs SET status = 'failed', finished_at = now(), heartbeat_at = now(), error = $2, error_detail = $3
     WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, error, detail === undefined ? null : JSON.stringify(detail)],
  );
}

export async function lastImportAt(db: Db): Promise<Date | null> {
  const { rows } = await db.query<{ last_import_at: Date | null }>("SELECT last_import_at FROM sync_state WHERE id = 1");
  return rows[0]?.last_import_at ?? null;
}

/** The species the final count check named (kept on the run whether it succeeds or fails). */
export async function setWarnings(db: Db, id: number, warnings: readonly CountWarning[]): Promise<void> {
  await db.query("UPDATE sync_runs SET warnings = $2 WHERE id = $1", [id, JSON.stringify(warnings)]);
}
