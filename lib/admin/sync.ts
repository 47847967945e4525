/**
 * The admin console's sync controls: start a run (the worker picks it up from the queue) and read
 * the current run and the history, as the contract's SyncRun plus what the console shows.
 */
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { HttpError } from "@/lib/http/respond";
import { enqueueSync } from "@/lib/jobs/queue";
import { log } from "@/lib/log";
import { SyncAlreadyRunning } from "@/lib/sync/errors";
import { failRun, insertRun, toSyncRun, type SyncRun, type SyncRunRow } from "@/lib/sync/runs";

export const startSyncBodySchema = z.object({ kind: z.enum(["incremental", "full"]) }).strict();
export type StartSyncBody = z.infer<typeof startSyncBodySchema>;

export const HISTORY_LIMIT = { default: 20, max: 100 } as const;

/** `?limit=&before=<run id>`: a page of the history, newest first, older than `before`. */
export const historyQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(HISTORY_LIMIT.max).default(HISTORY_LIMIT.default),
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();
export type HistoryQuery = z.input<typeof historyQuerySchema>;

/** The ALA request a failed run gave up on, as lib/ala's AlaRequestError stores it (error_detail). */
const failingRequestSchema = z.object({
  url: z.string(),
  status: z.number().int().nullable(),
  attempts: z.number().int(),
  cause: z.string().optional(),
});
export type FailingRequest = z.infer<typeof failingRequestSchema>;

export interface AdminSyncRun extends SyncRun {
  /** The admin who started it (trigger `admin`), if the account still exists. */
  requestedBy: { id: string; email: string } | null;
  /** For a run that failed on an ALA request: that request. */
  failingRequest: FailingRequest | null;
}

export interface SyncOverview {
  current: AdminSyncRun | null;
  history: AdminSyncRun[];
}

type RunWithRequester = SyncRunRow & { requested_by_email: string | null };

function toAdminRun(row: RunWithRequester): AdminSyncRun {
  const failing = failingRequestSchema.safeParse(row.error_detail);
  return {
    ...toSyncRun(row),
    requestedBy: row.requested_by_id && row.requested_by_email ? { id: row.requested_by_id, email: row.requested_by_email } : null,
    failingRequest: row.status === "failed" && failing.success ? failing.data : null,
  };
}

/** Runs matching `where` (its parameters are $1…), newest first. */
async function selectRuns(where: string, params: unknown[], limit: number): Promise<AdminSyncRun[]> {
  const { rows } = await pool().query<RunWithRequester>(
    `SELECT r.*, u.email AS requested_by_email
       FROM sync_runs r LEFT JOIN "user" u ON u.id = r.requested_by_id
      WHERE ${where}
      ORDER BY r.id DESC
      LIMIT $${params.length + 1}`,
    [...params, limit],
  );
  return rows.map(toAdminRun);
}

/** The queued or running run (at most one exists), and finished runs newest first. */
export async function syncOverview(query: HistoryQuery = {}): Promise<SyncOverview> {
  const { limit, before } = historyQuerySchema.parse(query);
  const [current, history] = await Promise.all([
    selectRuns("r.status IN ('queued', 'running')", [], 1),
    // The ALA's history; a Living Atlas source's runs are its own (the Sources panel). The current run may be either.
    selectRuns("r.status IN ('succeeded', 'failed') AND r.source_id = 1 AND ($1::int IS NULL OR r.id < $1)", [before ?? null], limit),
  ]);
  return { current: current[0] ?? null, history };
}

export async function findRun(id: number): Promise<AdminSyncRun | null> {
  return (await selectRuns("r.id = $1", [id], 1))[0] ?? null;
}

/**
 * Queues a run for the worker: 409 while another is queued or running. A run whose job could not
 * be queued is marked failed at once rather than left blocking every later run.
 */
export async function startSync(kind: StartSyncBody["kind"], requestedById: string): Promise<number> {
  let runId: number;
  try {
    runId = await insertRun(pool(), { kind, trigger: "admin", requestedById });
  } catch (err) {
    if (err instanceof SyncAlreadyRunning) throw new HttpError(409, "sync_running", `${err.message} Wait for it to finish.`);
    throw err;
  }
  try {
    await enqueueSync({ runId });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await failRun(pool(), runId, "The job queue could not be reached, so the sync never started.", { message });
    throw err;
  }
  log.info({ runId, kind, requestedById }, "sync queued by an admin");
  return runId;
}
