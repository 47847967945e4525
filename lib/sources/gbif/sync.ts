/**
 * One import of a `gbif` source (docs/sources.md, "GBIF"): request an occurrence download with a
 * predicate (birds — TAXON_KEY 212 — AND the source's own predicate; an incremental run also
 * LAST_INTERPRETED since the day before the last import), keep its key (./checkpoint.ts), poll its
 * status with back-off, stream the zip to DATA_DIR and import it through the Darwin Core record
 * reader and the sync's writer (lib/sources/dwca/import.ts importRecords). A full run deletes the
 * source's records the download no longer holds; an incremental one deletes nothing.
 *
 * Failures lose nothing: nothing is written before the whole file has been read and checked, the
 * upsert is idempotent, and the caller (lib/sources/run.ts) moves the last import time only on
 * success. A download GBIF ends (FAILED, KILLED, CANCELLED, FILE_ERASED, its file gone) is asked
 * for once more within the run; a corrupt file is fetched again; GBIF unreachable or a download
 * still preparing fails the run with the key kept, so the next run polls it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { importRecords, type ImportResult } from "../dwca/import";
import { ArchiveError } from "../dwca/meta";
import { settingsSchemas, type Source } from "../registry";
import { decryptCredentials } from "../secrets";
import { clearPending, readState, samePredicate, savePending, type PendingDownload } from "./checkpoint";
import { GbifClient, GbifFileGoneError, GbifRefusedError, GbifUnavailableError, type Download } from "./client";
import { gbifPredicate } from "./predicate";
import { DownloadContentError, gbifKey, openDownload } from "./rows";

const DAY = 86_400_000;
/** Downloads asked for per run: the first, and one more when GBIF ends the first. */
const REQUESTS_PER_RUN = 2;
/** Fetches of one download's file when it arrives corrupt. */
const FETCHES = 3;

/** Where the run's download stands: its key, GBIF's status of it, and when it was asked for. */
export interface DownloadWait {
  key: string;
  status: Download["status"];
  requestedAt: Date;
}

export interface GbifRunOptions {
  /** A full run even when an incremental one would do. */
  full?: boolean;
  /** Told GBIF's status of the download at every poll (the run's row shows it in /admin). */
  onWait?: (wait: DownloadWait) => Promise<void>;
  /** Aborts when the run's locks are lost: the import stops before its next batch (lib/sources/dwca/import.ts). */
  signal?: AbortSignal;
}

export type Failure = Extract<ImportResult, { ok: false }>;
const failure = (error: string): Failure => ({ ok: false, error, problems: [], brokenRows: 0 });

/** GBIF ended the download: asking again may work. */
class DownloadEnded extends Error {}

async function credentials(db: pg.Pool, sourceId: number): Promise<{ username: string; password: string } | null> {
  const { rows } = await db.query<{ credentials: string | null }>("SELECT credentials FROM sources WHERE id = $1", [sourceId]);
  const stored = rows[0]?.credentials;
  if (!stored) return null;
  const c = decryptCredentials(stored);
  return c.username && c.password ? { username: c.username, password: c.password } : null;
}

/**
 * Polls until the download has succeeded (the Download, with its file's link), GBIF ended it
 * (DownloadEnded), or `maxWaitMs` is over (the last status it was in).
 */
async function waitFor(client: GbifClient, pending: PendingDownload, maxWaitMs: number, onWait?: GbifRunOptions["onWait"]): Promise<Download | string> {
  const key = pending.key;
  const last = await pollWithBackoff(
    maxWaitMs,
    async () => {
      let status: Download;
      try {
        status = await client.status(key);
      } catch (error) {
        if (error instanceof GbifFileGoneError) throw new DownloadEnded(error.message);
        throw error;
      }
      await onWait?.({ key, status: status.status, requestedAt: pending.requestedAt });
      if (!["SUCCEEDED", "PREPARING", "RUNNING", "SUSPENDED"].includes(status.status)) throw new DownloadEnded(`GBIF ended download ${key} as ${status.status}`);
      return status;
    },
    (status) => status.status === "SUCCEEDED",
  );
  return last.status === "SUCCEEDED" ? last : last.status;
}

/**
 * Calls `attempt` until `done` holds of its value, waiting GBIF_POLL_MS between calls, doubled
 * each time up to GBIF_POLL_MAX_MS; gives up (the last value) when the next wait would end past
 * `maxWaitMs`. GBIF's status polls and a GBIF run's wait for the sync lock (lib/sources/run.ts).
 */
export async function pollWithBackoff<T>(maxWaitMs: number, attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const c = config();
  const deadline = Date.now() + maxWaitMs;
  for (let wait = c.GBIF_POLL_MS; ; wait = Math.min(wait * 2, c.GBIF_POLL_MAX_MS)) {
    const value = await attempt();
    if (done(value) || Date.now() + wait > deadline) return value;
    await sleep(wait);
  }
}

/**
 * Asks for the run's download (or finds it pending) and waits until GBIF has it ready, without
 * importing it. lib/sources/run.ts calls this before it takes the sync lock: GBIF prepares a
 * download for minutes to hours, and the ALA sync and other imports run meanwhile. The run under
 * the lock then finds the download ready at its first poll. Returns the run's failure when the
 * download could not be had (the run records it), else null.
 */
export async function prepareGbifDownload(db: pg.Pool, source: Source, o: GbifRunOptions = {}): Promise<Failure | null> {
  try {
    const r = await gbifRun(db, source, null, o, config().GBIF_MAX_WAIT_MS);
    return r.ok ? null : r;
  } catch (error) {
    log.error({ err: error, source: source.name }, "GBIF download could not be prepared");
    return failure(`The import failed: ${(error as Error).message}`);
  }
}

/** One import of a GBIF source; `maxWaitMs` (default GBIF_MAX_WAIT_MS) bounds the wait for GBIF. */
export function runGbif(db: pg.Pool, source: Source, runId: number, o: GbifRunOptions & { maxWaitMs?: number } = {}): Promise<ImportResult> {
  return gbifRun(db, source, runId, o, o.maxWaitMs ?? config().GBIF_MAX_WAIT_MS);
}

/** The run: request or find the download, wait for it, then (given a run id) import it. Without one, it stops once the download is ready. */
async function gbifRun(db: pg.Pool, source: Source, runId: number | null, o: GbifRunOptions, maxWaitMs: number): Promise<ImportResult> {
  const settings = settingsSchemas.gbif.parse(source.settings);
  const account = await credentials(db, source.id);
  if (!account) return failure(`The GBIF source "${source.name}" has no username and password: GBIF's downloads need an account (docs/sources.md).`);
  const c = config();
  const client = new GbifClient({ apiUrl: settings.apiUrl, ...account, retries: c.SYNC_RETRIES, retryBaseMs: c.SYNC_RETRY_BASE_MS, timeoutMs: c.SYNC_REQUEST_TIMEOUT_MS });
  const startedAt = new Date();
  const state = await readState(db, source.id);
  const due = !source.lastImportAt || !state.lastFullAt || startedAt.getTime() - state.lastFullAt.getTime() >= settings.fullEveryDays * DAY;
  let full = o.full === true || due;
  const fullPredicate = gbifPredicate(settings.predicate, null);
  let predicate = full ? fullPredicate : gbifPredicate(settings.predicate, source.lastImportAt);
  // A download of the same request still pending is polled, not asked for again; so is a pending full one.
  let pending: PendingDownload | null = null;
  const p = state.pending;
  if (p && p.format === settings.format && (samePredicate(p.predicate, predicate) || (p.full && samePredicate(p.predicate, fullPredicate)))) {
    pending = p;
    full = p.full;
    predicate = p.predicate as typeof predicate;
  }

  let waitMs = maxWaitMs;
  for (let request = 1; ; request++) {
    try {
      if (!pending) {
        const key = await client.request({ creator: account.username, sendNotification: false, format: settings.format, predicate });
        pending = { key, full, predicate, format: settings.format, requestedAt: new Date() };
        await savePending(db, source.id, pending);
        log.info({ source: source.name, key, full }, "GBIF download requested");
      } else {
        log.info({ source: source.name, key: pending.key }, "GBIF download pending: polling it");
      }
      const done = await waitFor(client, pending, waitMs, o.onWait);
      if (typeof done === "string") {
        const age = Date.now() - pending.requestedAt.getTime();
        // Too old to keep waiting for: the next run asks anew.
        const drop = age > 2 * c.GBIF_MAX_WAIT_MS;
        if (drop) await clearPending(db, source.id);
        return failure(`GBIF download ${pending.key} is still ${done} ${Math.round(age / 60_000)} minutes after it was asked for; ${drop ? "it is given up, and the next run asks for a new one" : "the next run polls it again"}.`);
      }
      if (runId === null) return { ok: true, dataset: { title: null, license: null, citation: null }, received: 0, added: 0, updated: 0, deleted: 0, skipped: 0, skippedByReason: {} };
      const result = await fetchAndImport(db, client, source, runId, pending, done, o.signal);
      await clearPending(db, source.id, result.ok && full ? startedAt : null);
      return result;
    } catch (error) {
      if (error instanceof DownloadEnded && request < REQUESTS_PER_RUN) {
        log.warn({ source: source.name, key: pending?.key, reason: error.message }, "GBIF download ended; asking again");
        await clearPending(db, source.id);
        pending = null;
        // The new download was not prepared ahead: it is waited for here.
        waitMs = c.GBIF_MAX_WAIT_MS;
        continue;
      }
      if (error instanceof DownloadEnded || error instanceof DownloadContentError || error instanceof ArchiveError) {
        await clearPending(db, source.id);
        return failure(`The GBIF download failed: ${error.message}. Nothing was imported; the next run asks for a new download.`);
      }
      if (error instanceof GbifRefusedError) {
        if (pending) await clearPending(db, source.id);
        return failure(`${error.message}.`);
      }
      if (error instanceof GbifUnavailableError) return failure(`GBIF is unavailable: ${error.message}.${pending ? ` The next run polls download ${pending.key} again.` : ""}`);
      throw error;
    }
  }
}

/** Fetches the succeeded download's file (again when it arrives corrupt) and imports it. */
async function fetchAndImport(db: pg.Pool, client: GbifClient, source: Source, runId: number, pending: PendingDownload, done: Download, signal?: AbortSignal): Promise<ImportResult> {
  const dir = path.join(config().DATA_DIR, "sources");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `gbif-${source.id}-${pending.key}.zip`);
  const link = done.downloadLink ?? `${client.apiUrl}/occurrence/download/request/${pending.key}.zip`;
  try {
    for (let fetch = 1; ; fetch++) {
      try {
        await client.fetchZip(link, file);
      } catch (error) {
        if (error instanceof GbifFileGoneError) throw new DownloadEnded(error.message);
        throw error;
      }
      try {
        const rows = await openDownload(file, pending.key, pending.format === "DWCA" ? "DWCA" : "SIMPLE_CSV");
        try {
          return await importRecords(db, rows, rows.dataset, { sourceId: source.id, sourceName: source.name, runId, partial: !pending.full, sourceKey: gbifKey, noun: "GBIF download", signal });
        } finally {
          rows.close();
        }
      } catch (error) {
        // A file that arrived damaged (cut short, a failed CRC) is fetched again; a wrong one is not.
        if (!(error instanceof ArchiveError) || error instanceof DownloadContentError || fetch >= FETCHES) throw error;
        log.warn({ source: source.name, key: pending.key, fetch, reason: error.message }, "GBIF download file damaged; fetching it again");
      }
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
}
