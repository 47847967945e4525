/**
 * What the worker does with each job. Plain functions over lib/, so tests call them directly.
 */
import { pool } from "@/lib/db/pool";
import { rebuildDistribution, staleDistributions } from "@/lib/distribution/store";
import { log } from "@/lib/log";
import { checkModelAfterChange } from "@/lib/suitability/on-change";
import { SyncAlreadyRunning } from "@/lib/sync/errors";
import { isSyncLockHeld } from "@/lib/sync/lock";
import { runSync, type SyncResult } from "@/lib/sync/run";
import { activeRun, insertRun } from "@/lib/sync/runs";
import { refreshCoarseCells } from "@/lib/tiles/coarse-cells";
import { refreshExactChunks } from "@/lib/tiles/exact-chunks-store";
import { applyVettings } from "@/lib/vetting/apply";
import { enqueueDistribution, enqueuePrebuildTiles, enqueueSync, type ApplyVettingsJob, type BuildDistributionJob, type PrebuildTilesJob, type SyncJob } from "./queue";

/** Runs a queued sync row; a run already being worked elsewhere is left to that process. */
export async function handleSync({ runId }: SyncJob, signal?: AbortSignal): Promise<SyncResult | null> {
  try {
    const result = await runSync({ runId, signal });
    if (result.status === "succeeded") {
      await prebuildTileCells();
      await queueStaleDistributions();
      await prebuildTileChunks();
    }
    return result;
  } catch (err) {
    if (err instanceof SyncAlreadyRunning) {
      log.info({ runId, active: err.runId }, "sync job skipped: another process is running a sync");
      return null;
    }
    throw err;
  }
}

/** The cron tick: an incremental sync, unless one is already queued or running. */
export async function handleScheduledSync(signal?: AbortSignal): Promise<SyncResult | null> {
  let runId: number;
  try {
    runId = await insertRun(pool(), { kind: "incremental", trigger: "schedule" });
  } catch (err) {
    if (err instanceof SyncAlreadyRunning) {
      log.info({ active: err.runId }, "scheduled sync skipped: a sync is already queued or running");
      return null;
    }
    throw err;
  }
  return handleSync({ runId }, signal);
}

export async function handleApplyVettings({ speciesId }: ApplyVettingsJob): Promise<{ changed: number }> {
  const result = await applyVettings(pool(), speciesId);
  log.info({ speciesId, ...result }, "vettings applied");
  // Even when no category moved: a range qualifier, or which vetting decides a record, may have changed.
  await requestDistribution(speciesId);
  // Queued, not run here: a large species' prebuild takes seconds, and the next vetting's
  // re-classification (of this species or another) must not wait for it.
  if (result.changed > 0) {
    await enqueuePrebuildTiles({ speciesId }).catch((err: unknown) => log.warn({ err, speciesId }, "could not queue the tile prebuild; the first tiles of the new version will be slower"));
  }
  return result;
}

/** The tile shortcuts of a species whose records' categories changed: coarse cells, then the exact band's chunks. */
export async function handlePrebuildTiles({ speciesId }: PrebuildTilesJob): Promise<void> {
  await prebuildTileCells([speciesId]);
  await prebuildTileChunks([speciesId]);
}

export async function handleBuildDistribution({ speciesId }: BuildDistributionJob): Promise<{ built: boolean; ms: number }> {
  const result = await rebuildDistribution(speciesId);
  if (result.built) log.info({ speciesId, ms: result.ms, restamped: result.variants.filter((v) => v.restamped).length }, "distribution rebuilt");
  // The records that count may have changed (a re-stamp compares positions, not which records):
  // the suitability model's check decides whether it needs a refit (lib/suitability).
  if (result.built) await checkModelAfterChange(speciesId);
  return result;
}

/** A failure to queue leaves the products pending until the next vetting or sync; it fails nothing else. */
async function requestDistribution(speciesId: number): Promise<void> {
  try {
    await enqueueDistribution({ speciesId }, { urgent: true });
  } catch (err) {
    log.error({ err, speciesId }, "could not queue the distribution rebuild");
  }
}

/** Every species whose stored range products are missing or out of date (after a sync, and at start). */
export async function queueStaleDistributions(): Promise<number> {
  try {
    const stale = await staleDistributions();
    for (const speciesId of stale) await enqueueDistribution({ speciesId });
    if (stale.length > 0) log.info({ species: stale.length }, "distribution rebuilds queued");
    return stale.length;
  } catch (err) {
    log.warn({ err }, "could not queue the stale distributions; they are queued again after the next sync");
    return 0;
  }
}

/**
 * Large species' coarse tile cells for their new data versions (lib/tiles/coarse-cells.ts), so the
 * web's first tiles of them stay fast. Only a shortcut: failing it fails nothing else.
 */
export async function prebuildTileCells(speciesIds?: number[]): Promise<void> {
  try {
    const refreshed = await refreshCoarseCells({ speciesIds });
    if (refreshed.length > 0) log.info({ species: refreshed.length }, "coarse tile cells prebuilt");
  } catch (err) {
    log.warn({ err }, "coarse tile cells could not be prebuilt; the first tiles of large species will be slower");
  }
}

/**
 * Large species' exact tile band in per-region chunks for their new data versions
 * (lib/tiles/exact-chunks-store.ts), so a fresh web process answers their street-level tiles at
 * once. Last, since it takes seconds for the largest species. Only a shortcut: failing it fails nothing else.
 */
export async function prebuildTileChunks(speciesIds?: number[]): Promise<void> {
  try {
    const refreshed = await refreshExactChunks({ speciesIds });
    if (refreshed.length > 0) log.info({ species: refreshed.length }, "exact tile band chunks prebuilt");
  } catch (err) {
    log.warn({ err }, "exact tile band chunks could not be prebuilt; street-level tiles of large species wait for their index after a restart");
  }
}

/**
 * A database that has never synced gets its first (full) sync at once rather than at the next
 * scheduled time, so a fresh installation fills itself. Returns the new run's id, if any.
 */
export async function queueFirstSync(): Promise<number | null> {
  const db = pool();
  // The ALA's runs: another Living Atlas synced first does not make the ALA synced (docs/sources.md).
  const { rows } = await db.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM sync_runs WHERE source_id = 1) AS any");
  if (rows[0].any) return null;
  try {
    const runId = await insertRun(db, { kind: "full", trigger: "startup" });
    await enqueueSync({ runId });
    log.info({ runId }, "first sync queued: this database has never synced");
    return runId;
  } catch (err) {
    if (err instanceof SyncAlreadyRunning) return null;
    throw err;
  }
}

/**
 * A sync row that is queued or running while nobody holds the sync lock was orphaned: its worker
 * was killed, or its job was lost. Running it now resumes from its checkpoints.
 */
export async function resumeOrphanedSync(signal?: AbortSignal): Promise<SyncResult | null> {
  const db = pool();
  const row = await activeRun(db);
  if (!row || (await isSyncLockHeld(db))) return null;
  // A freshly queued row normally has its job on the way; give that job a moment.
  if (row.status === "queued" && Date.now() - row.queued_at.getTime() < 60_000) return null;
  log.warn({ runId: row.id, status: row.status }, "resuming an orphaned sync run");
  return handleSync({ runId: row.id }, signal);
}
