/**
 * One import of one source, start to end: the cross-process sync lock (one sync or import at a
 * time, whatever the source: lib/sync/lock.ts), a source_runs row with its counts or its
 * refusal, the archive fetched when it is a URL, and the source's last import time on success.
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
import { importArchive, type Problem } from "./dwca/import";
import { importLivingAtlas } from "./living-atlas/import";
import { prepareGbifDownload, runGbif } from "./gbif/sync";
import { getSource, SourceError, settingsSchemas, type Source } from "./registry";

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

export async function runSource(db: pg.Pool, sourceId: number, o: RunSourceOptions = {}): Promise<SourceRunResult> {
  const source = await getSource(db, sourceId);
  if (!source) throw new SourceError("unknown_source", `There is no source ${sourceId}.`);
  // GBIF prepares a download for minutes to hours: waited for before the lock, so other syncs run meanwhile.
  const prepared = source.kind === "gbif" ? await prepareGbifDownload(db, source, { full: o.full }) : null;
  const lock = await tryAcquireSyncLock(process.env.DATABASE_URL!);
  if (!lock) throw new SourceBusyError("Another sync or import is running; one runs at a time.");
  const { rows } = await db.query<{ id: number }>("INSERT INTO source_runs (source_id) VALUES ($1) RETURNING id", [sourceId]);
  const runId = rows[0].id;
  try {
    // A GBIF download that could not be had ends the run here; otherwise the source's kind runs.
    const outcome = prepared ?? (await runKind(db, source, runId, lock, o));
    if (outcome.ok) {
      // A Living Atlas's sync stored its own start as the last import time already.
      const setImportTime = !("importTimeSet" in outcome);
      await db.query(
        `WITH r AS (
           UPDATE source_runs SET status = 'succeeded', finished_at = now(), added = $2, updated = $3, deleted = $4, skipped = $5,
             skipped_by_reason = $6, dataset = $7 WHERE id = $1 RETURNING source_id, started_at)
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
  } finally {
    await lock.release();
  }
}

async function fail(db: pg.Pool, runId: number, error: string, problems: Problem[]): Promise<void> {
  await db.query("UPDATE source_runs SET status = 'failed', finished_at = now(), error = $2, problems = $3 WHERE id = $1", [runId, error, JSON.stringify(problems)]);
}

async function runKind(db: pg.Pool, source: Source, runId: number, lock: SyncLock, o: RunSourceOptions) {
  if (source.kind === "living_atlas") return importLivingAtlas(db, source, runId, lock, { kind: o.full ? "full" : "incremental" });
  if (source.kind === "gbif") return runGbif(db, source, runId, { full: o.full, maxWaitMs: 0 });
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
    return await importArchive(db, file, { sourceId: source.id, sourceName: source.name, runId });
  } finally {
    if (temporary) fs.rmSync(temporary, { force: true });
  }
}
