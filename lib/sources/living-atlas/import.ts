/**
 * One import of a Living Atlas source: the ALA's sync (lib/sync/run.ts, every step: search within
 * the page depth, offline downloads, checkpoints, reconciliation, the count check) run against
 * the source, under the lock lib/sources/run.ts already holds. Its sync_runs row is linked to the
 * source's source_runs row; the source's last import time is the sync run's start, set when the
 * run succeeds (lib/sync/runs.ts, succeedRun), so a resumed run still fetches from the right time.
 */
import type pg from "pg";
import { runSync } from "@/lib/sync/run";
import type { SyncLock } from "@/lib/sync/lock";
import type { SyncKind, SyncTrigger } from "@/lib/sync/runs";
import type { Source } from "../registry";

export type AtlasImportResult =
  | { ok: true; added: number; updated: number; deleted: number; skipped: number; skippedByReason: Record<string, number>; dataset: null; importTimeSet: true }
  | { ok: false; error: string; problems: [] };

export interface AtlasImportOptions {
  kind?: SyncKind;
  trigger?: SyncTrigger;
  signal?: AbortSignal;
}

export async function importLivingAtlas(db: pg.Pool, source: Source, sourceRunId: number, lock: SyncLock, o: AtlasImportOptions = {}): Promise<AtlasImportResult> {
  // Under the lock nothing else imports: a row of this source still `running` is an import whose process died.
  await db.query(
    "UPDATE source_runs SET status = 'failed', finished_at = now(), error = 'Interrupted (its process stopped); the next sync resumed its run.' WHERE source_id = $1 AND status = 'running' AND id <> $2",
    [source.id, sourceRunId],
  );
  const result = await runSync({ lock, source: source.id, kind: o.kind ?? "incremental", trigger: o.trigger ?? "cli", signal: o.signal });
  await db.query("UPDATE source_runs SET sync_run_id = $2 WHERE id = $1", [sourceRunId, result.runId]);
  const run = result.run;
  // An interrupted run of another source is finished first, whoever asks (lib/sync/run.ts).
  const ran = await db.query<{ source_id: number }>("SELECT source_id FROM sync_runs WHERE id = $1", [result.runId]);
  if (ran.rows[0]?.source_id !== source.id) {
    return { ok: false, error: `Another source's queued or interrupted sync (run ${result.runId}) was finished first; sync "${source.name}" again.`, problems: [] };
  }
  if (result.status === "stopped") return { ok: false, error: "The sync was stopped; the next sync of this source resumes it.", problems: [] };
  if (result.status === "failed" || !run) return { ok: false, error: result.error ?? "The sync failed.", problems: [] };
  return { ok: true, ...run.counts, skippedByReason: run.skippedByReason, dataset: null, importTimeSet: true };
}
