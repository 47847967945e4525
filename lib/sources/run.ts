/**
 * One import of one source, start to end: the source's own lock (one run per source: ./source-lock.ts),
 * the cross-process sync lock (one sync or import at a time, whatever the source: lib/sync/lock.ts),
 * a source_runs row with its counts or its refusal, the archive fetched when it is a URL, and the
 * source's last import time on success. A GBIF run's row exists from the start, while GBIF prepares.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type pg from "pg";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { tryAcquireSyncLock, type SyncLock } from "@/lib/sync/lock";
import { ArchiveError } from "./dwca/meta";
import { importArchive, type ImportResult, type Problem } from "./dwca/import";
import { importLivingAtlas, type AtlasImportResult } from "./living-atlas/import";
import { pollWithBackoff, prepareGbifDownload, runGbif, type DownloadWait } from "./gbif/sync";
import { getSource, SourceError, settingsSchemas, type Source } from "./registry";
import { tryAcquireSourceLock } from "./source-lock";

export class SourceBusyError extends Error {
  override name = "SourceBusyError";
}

export interface SourceRunResult {
  runId: number;
  status: "succeeded" | "failed";
  error: string | null;
  problems: Problem[];
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  skippedByReason: Record<string, number>;
}

export interface RunSourceOptions {
  /** An uploaded archive on disk, instead of the source's configured location. */
  file?: string;
  /** A full run (a Living Atlas, GBIF) instead of the changes since the last import: records gone from the source are deleted. */
  full?: boolean;
}

async function fetchArchive(url: string, to: string): Promise<void> {
  const response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(10 * 60_000) });
  if (!response.ok || !response.body) throw new ArchiveError(`the archive at ${url} answered HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), fs.createWriteStream(to));
}

/** The source is being imported already (its run holds the source's lock): that run covers the request. */
export class SourceRunningError extends Error {
  override name = "SourceRunningError";
}

type Outcome = ImportResult | AtlasImportResult;

export async function runSource(db: pg.Pool, sourceId: number, o: RunSourceOptions = {}): Promise<SourceRunResult> {
  const source = await getSource(db, sourceId);
  if (!source) throw new SourceError("unknown_source", `There is no source ${sourceId}.`);
  const own = await tryAcquireSourceLock(process.env.DATABASE_URL!, source.id);
  if (!own) throw new SourceRunningError(`${source.name} is being imported already; its run in /admin (or npm run source -- list) says how far it is.`);
  try {
    await markInterrupted(db, source);
    if (source.kind === "gbif") return await runGbifSource(db, source, own, o);
    const lock = await tryAcquireSyncLock(process.env.DATABASE_URL!);
    if (!lock) throw new SourceBusyError("Another sync or import is running; one runs at a time.");
    try {
      const runId = await startRun(db, source.id, "running");
      return await finishRun(db, source, runId, () => runKind(db, source, runId, own, lock, o));
    } finally {
      await lock.release();
    }
  } finally {
    await own.release();
  }
}

/**
 * A GBIF run, visible from the start: its row is `waiting` while GBIF prepares the download
 * (before the sync lock, so the ALA sync and other imports run meanwhile), with the download's key
 * and GBIF's status of it; still `waiting` (the download ready) while another sync holds the lock;
 * then `running` while it imports; then its outcome. A failure while waiting is the run's error.
 */
async function runGbifSource(db: pg.Pool, source: Source, own: SyncLock, o: RunSourceOptions): Promise<SourceRunResult> {
  const runId = await startRun(db, source.id, "waiting");
  const onWait = (w: DownloadWait) => noteDownload(db, runId, w);
  // Taken inside the run's work, let go of here whatever its outcome.
  const held: { lock: SyncLock | null } = { lock: null };
  try {
    return await finishRun(db, source, runId, async () => {
      const failed = await prepareGbifDownload(db, source, { full: o.full, onWait });
      if (failed) return failed;
      held.lock = await waitForSyncLock();
      if (!held.lock) {
        const minutes = Math.round(config().GBIF_MAX_WAIT_MS / 60_000);
        return { ok: false, error: `The GBIF download is ready, but another sync or import held the sync lock for ${minutes} minutes; the next run imports the same download.`, problems: [] };
      }
      await db.query("UPDATE source_runs SET status = 'running' WHERE id = $1", [runId]);
      // Polled once more under the lock: GBIF may have ended it meanwhile (then asked for again, and waited for here).
      return runGbif(db, source, runId, { full: o.full, maxWaitMs: 0, onWait, signal: lostAny([own, held.lock]) });
    });
  } finally {
    await held.lock?.release();
  }
}

/** The sync lock, waited for with the GBIF polls' back-off up to GBIF_MAX_WAIT_MS; null if it stayed taken. */
function waitForSyncLock(): Promise<SyncLock | null> {
  return pollWithBackoff(config().GBIF_MAX_WAIT_MS, () => tryAcquireSyncLock(process.env.DATABASE_URL!), (lock) => lock !== null);
}

async function startRun(db: pg.Pool, sourceId: number, status: "waiting" | "running"): Promise<number> {
  const { rows } = await db.query<{ id: number }>("INSERT INTO source_runs (source_id, status) VALUES ($1, $2) RETURNING id", [sourceId, status]);
  return rows[0].id;
}

/** The run's download and GBIF's status of it, written when either changes (the live event follows). */
async function noteDownload(db: pg.Pool, runId: number, w: DownloadWait): Promise<void> {
  await db.query(
    `UPDATE source_runs SET download_key = $2, download_status = $3, waiting_since = $4
     WHERE id = $1 AND (download_key, download_status, waiting_since) IS DISTINCT FROM ($2, $3, $4)`,
    [runId, w.key, w.status, w.requestedAt],
  );
}

/**
 * Rows of this source still waiting or running, found while this run holds the source's lock,
 * were left by a process that stopped. A GBIF run's download key is kept (gbif_downloads), so
 * this run polls the same download. A Living Atlas's are marked by its import, which knows
 * whether its sync run was resumed (living-atlas/import.ts).
 */
async function markInterrupted(db: pg.Pool, source: Source): Promise<void> {
  if (source.kind === "living_atlas") return;
  const next = source.kind === "gbif" ? "; the next run polls the same GBIF download" : "";
  await db.query(
    `UPDATE source_runs SET status = 'failed', finished_at = now(), error = $2 WHERE source_id = $1 AND status IN ('waiting', 'running')`,
    [source.id, `Interrupted: its process stopped${next}.`],
  );
}

/** Runs the import and records its outcome in the run's row (and, on success, the last import time). */
async function finishRun(db: pg.Pool, source: Source, runId: number, work: () => Promise<Outcome>): Promise<SourceRunResult> {
  try {
    const outcome = await work();
    if (outcome.ok) {
      // A Living Atlas's sync stored its own start as the last import time already.
      const setImportTime = !("importTimeSet" in outcome);
      await db.query(
        `WITH r AS (
           UPDATE source_runs SET status = 'succeeded', finished_at = now(), added = $2, updated = $3, deleted = $4, skipped = $5,
             skipped_by_reason = $6, dataset = $7, records = (SELECT count(*)::int FROM occurrences o WHERE o.source = source_runs.source_id)
           WHERE id = $1 RETURNING source_id, started_at)
         UPDATE sources s SET last_import_at = r.started_at FROM r WHERE s.id = r.source_id AND $8`,
        [runId, outcome.added, outcome.updated, outcome.deleted, outcome.skipped, outcome.skippedByReason, outcome.dataset, setImportTime],
      );
      log.info({ source: source.name, runId, added: outcome.added, updated: outcome.updated, deleted: outcome.deleted, skipped: outcome.skipped }, "source imported");
      return { runId, status: "succeeded", error: null, problems: [], ...outcome };
    }
    await fail(db, runId, outcome.error, outcome.problems);
    return { runId, status: "failed", error: outcome.error, problems: outcome.problems, added: 0, updated: 0, deleted: 0, skipped: 0, skippedByReason: {} };
  } catch (error) {
    const message = error instanceof ArchiveError ? `The archive was refused: ${error.message}.` : `The import failed: ${(error as Error).message}`;
    await fail(db, runId, message, []);
    if (!(error instanceof ArchiveError)) log.error({ err: error, source: source.name }, "source import failed");
    return { runId, status: "failed", error: message, problems: [], added: 0, updated: 0, deleted: 0, skipped: 0, skippedByReason: {} };
  }
}

async function fail(db: pg.Pool, runId: number, error: string, problems: Problem[]): Promise<void> {
  await db.query("UPDATE source_runs SET status = 'failed', finished_at = now(), error = $2, problems = $3 WHERE id = $1", [runId, error, JSON.stringify(problems)]);
}

/** Aborts when either lock's connection is lost: the run no longer keeps others out. */
function lostAny(locks: readonly SyncLock[]): AbortSignal {
  return AbortSignal.any(locks.map((l) => l.lost));
}

/** Runs the import under the source's lock (`own`) and the sync lock. */
async function runKind(db: pg.Pool, source: Source, runId: number, own: SyncLock, lock: SyncLock, o: RunSourceOptions) {
  if (source.kind === "living_atlas") return importLivingAtlas(db, source, runId, lock, { kind: o.full ? "full" : "incremental", signal: own.lost });
  let file = o.file;
  let temporary: string | null = null;
  if (!file) {
    const { location } = settingsSchemas.dwca.parse(source.settings);
    if (/^https?:\/\//i.test(location)) {
      const dir = path.join(config().DATA_DIR, "sources");
      fs.mkdirSync(dir, { recursive: true });
      temporary = path.join(dir, `source-${source.id}-run-${runId}.zip`);
      await fetchArchive(location, temporary);
      file = temporary;
    } else {
      if (!fs.existsSync(location)) throw new ArchiveError(`there is no file ${location}`);
      file = location;
    }
  }
  try {
    return await importArchive(db, file, { sourceId: source.id, sourceName: source.name, runId, signal: lostAny([own, lock]) });
  } finally {
    if (temporary) fs.rmSync(temporary, { force: true });
  }
}
