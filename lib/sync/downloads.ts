/**
 * Bulk reads through the ALA's offline download service: ask, poll, fetch the zip to DATA_DIR,
 * read it into the import. Every download is a `sync_downloads` row, so a restarted run polls
 * what it already asked for (and re-reads a zip it already has) instead of asking again. A
 * download that vanished, expired, was cancelled, stayed queued too long, or came as a damaged
 * zip is asked for again, within the retry budget; one the ALA finds too large is split.
 */
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { FetchStopped, type AlaClient } from "@/lib/ala/client";
import { downloadFields, type DownloadColumn } from "@/lib/ala/download-columns";
import { DownloadFileError } from "@/lib/ala/download-zip";
import type { DownloadStatus } from "@/lib/ala/schemas";
import { log } from "@/lib/log";
import { SyncAborted, throwIfAborted } from "./errors";
import { clearRemoteIds } from "./remote-ids";
import { groupForDownload, ofAnySpecies, splitUnit, yearFilter, type SpeciesCount, type Unit } from "./plan";

export type Purpose = "records" | "ids";

export interface DownloadSettings {
  email: string | undefined;
  reasonTypeId: number;
  pollMs: number;
  maxWaitMs: number;
  /** Times one download may be asked for again before the run fails. */
  retries: number;
  /** Where zips are kept while they are read (DATA_DIR/downloads). */
  dir: string;
  /** What to say when `email` is missing (another atlas names its own setting); default: ALA_DOWNLOAD_EMAIL's sentence. */
  missingEmail?: (records: string) => string;
}

/** What the run shows while downloads are under way. */
export interface QueueState {
  waiting: number;
  running: number;
  /** Records of the downloads not yet read. */
  records: number;
}

/** The run needs a download and cannot have one. */
export class DownloadUnavailable extends Error {
  override name = "DownloadUnavailable";
}

interface Row {
  id: number;
  purpose: Purpose;
  species_guids: string[];
  fq: string[];
  year_from: number | null;
  year_to: number | null;
  expected: number;
  state: "pending" | "requested" | "finished" | "imported" | "split";
  status_url: string | null;
  cancel_url: string | null;
  download_url: string | null;
  total_records: number | null;
  attempts: number;
  requested_at: Date | null;
}

export interface DownloadsDeps {
  db: pg.Pool;
  client: AlaClient;
  runId: number;
  settings: DownloadSettings;
  signal?: AbortSignal;
  onQueue?: (state: QueueState) => void;
}

const fmt = new Intl.NumberFormat("en");

/**
 * Downloads asked for and not yet ready, at most. The ALA writes one user's downloads one at a
 * time, in the order asked (DownloadService.add: a single-thread executor per user), and refuses a
 * user with 50 waiting (an HTTP 500). Asking for all of a full import's downloads at once would
 * pass 50, and leave the last ones waiting past SYNC_DOWNLOAD_MAX_WAIT_MS; a few keep the ALA busy.
 */
export const MAX_ASKED = 4;

/** The pending downloads that may be asked for now: MAX_ASKED less those asked and not yet ready. */
function askable(rows: readonly Row[]): Row[] {
  const asked = rows.filter((r) => r.state === "requested").length;
  return rows.filter((r) => r.state === "pending").slice(0, Math.max(0, MAX_ASKED - asked));
}

/**
 * Reads the zip at `file`; throws DownloadFileError when it will not read. When it gives back a
 * `write`, the download is read only once that resolves, and the next one is read meanwhile
 * (lib/sync/download-import.ts spools a zip's rows and writes them beside the next zip's reading).
 */
export type Consume = (file: string) => Promise<{ write(): Promise<void> } | void>;

/** The downloads of one `run` whose rows are being written, one after another. */
interface Writing {
  ids: Set<number>;
  /** The last one's end. */
  tail: Promise<void>;
  /** The end of the one before the last: the next read waits for it, so one download at most is read ahead of the writing. */
  ahead: Promise<void>;
  failure: { error: unknown } | null;
}

/** "waiting for the ALA to prepare 3 downloads (1.2 M records)". */
export function describeQueue(q: QueueState): string {
  const n = q.waiting + q.running;
  const records = q.records >= 1e6 ? `${(q.records / 1e6).toFixed(1)} M` : fmt.format(q.records);
  return `waiting for the ALA to prepare ${n} download${n === 1 ? "" : "s"} (${records} records)`;
}

/** "reading a download: 120,000 records so far" (its records count once its zip has checked out). */
export function describeReading(received: number): string {
  return `reading a download: ${fmt.format(received)} records so far`;
}

export class Downloads {
  private readonly log;
  /** Zips being fetched ahead of their turn (fetchAhead), by download id. */
  private readonly ahead = new Map<number, Promise<boolean>>();

  constructor(private readonly d: DownloadsDeps) {
    this.log = log.child({ runId: d.runId });
  }

  /**
   * Plans downloads of these species, grouped up to `target` records each. Species a download of
   * this run already covers (a resumed run) are not planned again, so nothing is asked twice; an
   * id list that was already read is asked again, as the ids were only held in memory.
   */
  async plan(purpose: Purpose, species: readonly SpeciesCount[], fq: readonly string[], target: number): Promise<void> {
    const { rows } = await this.d.db.query<{ guid: string }>(
      `SELECT DISTINCT unnest(species_guids) AS guid FROM sync_downloads
       WHERE run_id = $1 AND purpose = $2 AND fq = $3 AND ($2 = 'records' OR state <> 'imported')`,
      [this.d.runId, purpose, fq],
    );
    const covered = new Set(rows.map((r) => r.guid));
    for (const g of groupForDownload(species.filter((s) => !covered.has(s.guid)), target)) {
      await this.d.db.query(`INSERT INTO sync_downloads (run_id, purpose, species_guids, fq, expected) VALUES ($1, $2, $3, $4, $5)`, [
        this.d.runId,
        purpose,
        g.guids,
        fq,
        g.expected,
      ]);
    }
  }

  /**
   * Works every download of this purpose (and species, when given) to its end: asked, ready,
   * read by `consume` (one at a time, in order of readiness), written (beside the next one's
   * read), marked imported. `done` is called with the download's species once its records are
   * written.
   */
  async run(purpose: Purpose, columns: readonly DownloadColumn[], consume: Consume, o: { guids?: readonly string[]; done?: (guids: string[]) => Promise<void> } = {}): Promise<void> {
    const { client, settings } = this.d;
    const fields = downloadFields(columns, client.fields.style);
    // Ends the zip fetched ahead when this run of downloads ends, whichever way.
    const ended = new AbortController();
    const stop = this.d.signal ? AbortSignal.any([this.d.signal, ended.signal]) : ended.signal;
    const writing: Writing = { ids: new Set(), tail: Promise.resolve(), ahead: Promise.resolve(), failure: null };
    const free = (r: Row) => !writing.ids.has(r.id);
    const throwIfWriteFailed = () => {
      if (writing.failure) throw writing.failure.error;
    };
    try {
      for (;;) {
        throwIfAborted(this.d.signal);
        throwIfWriteFailed();
        const rows = await this.rows(purpose, o.guids);
        const open = rows.filter((r) => r.state !== "imported" && r.state !== "split" && free(r));
        if (!open.length) {
          if (!writing.ids.size) return;
          await writing.tail;
          continue;
        }
        for (const r of askable(open)) await this.request(r, fields);
        const ready = (await this.rows(purpose, o.guids)).find((r) => r.state === "finished" && free(r));
        if (ready) {
          await writing.ahead.catch(() => undefined);
          throwIfWriteFailed();
          const ahead = () => this.fetchAhead(ready, purpose, o.guids, stop, free);
          const read = await this.read(ready, consume, stop, ahead);
          if (read) this.write(writing, ready, read.write, async () => o.done?.(await this.completed(purpose, ready.species_guids)));
          continue;
        }
        await this.poll(await this.rows(purpose, o.guids));
        const now = await this.rows(purpose, o.guids);
        if (askable(now).length || now.some((r) => r.state === "finished" && free(r))) continue;
        try {
          await sleep(settings.pollMs, undefined, { signal: this.d.signal });
        } catch {
          throw new SyncAborted();
        }
      }
    } finally {
      ended.abort();
      await writing.tail.catch(() => undefined);
      await Promise.allSettled(this.ahead.values());
      this.ahead.clear();
    }
  }

  /**
   * Writes a download read (after the one before it), then marks it imported, deletes its zip and
   * calls `done`. A failure stops the run at its next step; the download stays `finished`, to be
   * read again by a resumed run.
   */
  private write(writing: Writing, r: Row, write: (() => Promise<void>) | undefined, done: () => Promise<void>): void {
    writing.ids.add(r.id);
    writing.ahead = writing.tail;
    writing.tail = writing.tail.then(async () => {
      await write?.();
      await this.d.db.query(`UPDATE sync_downloads SET state = 'imported', imported_at = now() WHERE id = $1`, [r.id]);
      await rm(this.file(r), { force: true });
      writing.ids.delete(r.id);
      await done();
    });
    writing.tail.catch((error: unknown) => void (writing.failure ??= { error }));
  }

  /**
   * Starts fetching the zip of the download to be read after `current`, once `current`'s own zip is
   * here, so that its transfer (and, from the simulator, its making) runs while `current` is read
   * instead of after it (issue 16's bench: the two took turns). One ahead, so at most three zips
   * are on disk (with the one whose rows are being written). Downloads still being prepared are asked about first when none is ready, as nothing
   * else polls while a zip is read.
   */
  private async fetchAhead(current: Row, purpose: Purpose, guids: readonly string[] | undefined, stop: AbortSignal, free: (r: Row) => boolean): Promise<void> {
    const next = (rows: Row[]) => rows.find((r) => r.state === "finished" && r.id !== current.id && free(r));
    const rows = await this.rows(purpose, guids);
    let row = next(rows);
    if (!row) {
      if (!rows.some((r) => r.state === "requested")) return;
      await this.poll(rows);
      row = next(await this.rows(purpose, guids));
    }
    if (!row || this.ahead.has(row.id)) return;
    const fetched = this.fetchZip(row, stop);
    // Its failure is dealt with when that download's turn comes (fetchedAhead).
    fetched.catch(() => undefined);
    this.ahead.set(row.id, fetched);
  }

  /** Those of these species whose every download of this purpose is read. */
  private async completed(purpose: Purpose, guids: string[]): Promise<string[]> {
    const { rows } = await this.d.db.query<{ guid: string }>(
      `SELECT g AS guid FROM unnest($3::text[]) AS g WHERE NOT EXISTS (
         SELECT 1 FROM sync_downloads d WHERE d.run_id = $1 AND d.purpose = $2 AND d.state NOT IN ('imported', 'split') AND g = ANY (d.species_guids))`,
      [this.d.runId, purpose, guids],
    );
    return rows.map((r) => r.guid);
  }

  /**
   * The download's zip, from its fetch ahead when there was one. A fetch ahead that failed (its
   * retries spent while another zip was read) gets one fresh fetch of its own, as it would have had
   * without fetching ahead.
   */
  private async fetchedAhead(r: Row, stop: AbortSignal): Promise<boolean> {
    const ahead = this.ahead.get(r.id);
    this.ahead.delete(r.id);
    if (!ahead) return this.fetchZip(r, stop);
    try {
      return await ahead;
    } catch (error) {
      if (error instanceof FetchStopped) throw error;
      this.log.warn({ download: r.id, err: error }, "the zip fetched ahead failed; fetching it again");
      return this.fetchZip(r, stop);
    }
  }

  /** The zip of a finished download on disk (kept from before a restart, or fetched); false for a 404. */
  private async fetchZip(r: Row, stop: AbortSignal): Promise<boolean> {
    const file = this.file(r);
    if (await stat(file).then((s) => s.isFile(), () => false)) return true;
    await mkdir(this.runDir(), { recursive: true });
    return this.d.client.fetchFile(r.download_url!, file, stop);
  }

  /**
   * Deletes this run's zips and the id lists read from them (after the run, or when it failed for
   * good), and cancels at the ALA the downloads it still waits for: the ALA writes an account's
   * downloads one at a time, so left queued they would hold up the next run's. Best effort, all at
   * once: an ALA that does not answer holds the clean-up up for one time-out, not one a download.
   */
  async cleanUp(): Promise<void> {
    const { rows } = await this.d.db.query<{ cancel_url: string }>(
      "SELECT cancel_url FROM sync_downloads WHERE run_id = $1 AND state = 'requested' AND cancel_url IS NOT NULL",
      [this.d.runId],
    );
    await Promise.all(rows.map((r) => this.d.client.cancelDownload(r.cancel_url)));
    await rm(this.runDir(), { recursive: true, force: true });
    await clearRemoteIds(this.d.db, this.d.runId);
  }

  private runDir(): string {
    return path.join(this.d.settings.dir, `run-${this.d.runId}`);
  }

  private file(r: Row): string {
    return path.join(this.runDir(), `${r.id}.zip`);
  }

  private async rows(purpose: Purpose, guids?: readonly string[]): Promise<Row[]> {
    const { rows } = await this.d.db.query<Row>(
      `SELECT id, purpose, species_guids, fq, year_from, year_to, expected, state, status_url, cancel_url, download_url, total_records, attempts, requested_at
       FROM sync_downloads WHERE run_id = $1 AND purpose = $2 AND ($3::text[] IS NULL OR species_guids && $3::text[]) ORDER BY id`,
      [this.d.runId, purpose, guids ?? null],
    );
    return rows;
  }

  private async request(r: Row, fields: string): Promise<void> {
    const { client, settings } = this.d;
    if (!settings.email) {
      throw new DownloadUnavailable(
        settings.missingEmail?.(fmt.format(r.expected)) ??
        `ALA_DOWNLOAD_EMAIL is not set: reading ${fmt.format(r.expected)} records needs the ALA's offline download service, which asks for the email address of a registered ALA account. Set ALA_DOWNLOAD_EMAIL and run the sync again.`,
      );
    }
    const fq = [client.fields.birdFilter, ofAnySpecies(client.fields, r.species_guids), ...r.fq, ...[yearFilter({ yearFrom: r.year_from, yearTo: r.year_to })].flatMap((f) => (f ? [f] : []))];
    const status = await client.requestDownload({ fq, email: settings.email, reasonTypeId: settings.reasonTypeId, fields });
    if (status.status === "tooLarge") return this.split(r, status);
    if (!status.statusUrl) throw new DownloadUnavailable(`the ALA accepted a download but gave no status URL (${JSON.stringify(status).slice(0, 200)})`);
    await this.d.db.query(
      `UPDATE sync_downloads SET state = 'requested', status_url = $2, cancel_url = $3, total_records = $4, requested_at = now(), download_url = NULL
       WHERE id = $1`,
      [r.id, status.statusUrl, status.cancelUrl ?? null, status.totalRecords ?? null],
    );
    this.log.info({ download: r.id, species: r.species_guids.length, totalRecords: status.totalRecords, statusUrl: status.statusUrl }, "offline download requested");
  }

  private async split(r: Row, status: DownloadStatus): Promise<void> {
    const parts = splitUnit({ guids: r.species_guids, fq: r.fq, yearFrom: r.year_from, yearTo: r.year_to, expected: r.expected });
    if (!parts) throw new DownloadUnavailable(`the ALA refuses a download of one species' single year as too large: ${status.error ?? status.message ?? ""}`);
    this.log.info({ download: r.id, parts: parts.length, error: status.error }, "offline download too large; split");
    for (const p of parts) await this.insertPart(r, p);
    await this.d.db.query(`UPDATE sync_downloads SET state = 'split', last_error = $2 WHERE id = $1`, [r.id, status.error ?? "tooLarge"]);
  }

  private async insertPart(parent: Row, p: Unit): Promise<void> {
    await this.d.db.query(
      `INSERT INTO sync_downloads (run_id, purpose, species_guids, fq, year_from, year_to, expected, parent_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [this.d.runId, parent.purpose, p.guids, p.fq, p.yearFrom, p.yearTo, p.expected, parent.id],
    );
  }

  /** Asks again for a download that cannot be had as it is; fails the run once its retries are spent. */
  private async again(r: Row, reason: string): Promise<void> {
    if (r.attempts >= this.d.settings.retries) {
      throw new DownloadUnavailable(`an offline download of ${r.species_guids.length} species failed ${r.attempts + 1} times; the last time: ${reason}`);
    }
    this.log.warn({ download: r.id, attempt: r.attempts + 1, reason }, "offline download asked for again");
    await rm(this.file(r), { force: true });
    await this.d.db.query(
      `UPDATE sync_downloads SET state = 'pending', attempts = attempts + 1, last_error = $2, status_url = NULL, cancel_url = NULL, download_url = NULL WHERE id = $1`,
      [r.id, reason.slice(0, 1000)],
    );
  }

  /** Polls those of `rows` asked for; those not yet asked count as waiting. */
  private async poll(rows: Row[]): Promise<void> {
    const unasked = rows.filter((r) => r.state === "pending");
    const queue: QueueState = { waiting: unasked.length, running: 0, records: unasked.reduce((n, r) => n + r.expected, 0) };
    for (const r of rows.filter((x) => x.state === "requested")) {
      throwIfAborted(this.d.signal);
      const status = await this.d.client.downloadStatus(r.status_url!);
      switch (status.status) {
        case "finished":
          if (!status.downloadUrl) {
            await this.again(r, "finished without a downloadUrl");
            break;
          }
          await this.d.db.query(`UPDATE sync_downloads SET state = 'finished', download_url = $2, finished_at = now(), total_records = COALESCE($3, total_records) WHERE id = $1`, [
            r.id,
            status.downloadUrl,
            status.totalRecords ?? null,
          ]);
          break;
        case "tooLarge":
          await this.split(r, status);
          break;
        case "cancelled":
          await this.again(r, "the download was cancelled at the ALA");
          break;
        case undefined:
          await this.again(r, "the ALA no longer knows the download (expired or lost)");
          break;
        default: {
          const waited = Date.now() - (r.requested_at?.getTime() ?? Date.now());
          if (waited > this.d.settings.maxWaitMs) {
            if (r.cancel_url) await this.d.client.cancelDownload(r.cancel_url);
            await this.again(r, `still ${status.status} after ${Math.round(waited / 1000)} s`);
            break;
          }
          if (status.status === "running") queue.running++;
          else queue.waiting++;
          queue.records += status.totalRecords ?? r.total_records ?? r.expected;
        }
      }
    }
    this.d.onQueue?.(queue);
  }

  /**
   * Fetches (unless a whole zip is already here, from before a restart) and reads one download;
   * what `consume` gave back to write it, or false when it must be asked for again. A zip that will
   * not read is fetched once more from the same URL first: a transfer cut short without an error
   * looks complete until it is opened.
   * `whileReading` runs beside the first read of the zip; it is only a speed-up, so its failure is
   * logged, not the run's.
   */
  private async read(r: Row, consume: Consume, stop: AbortSignal, whileReading: () => Promise<void>): Promise<{ write?: () => Promise<void> } | false> {
    const file = this.file(r);
    for (let fetches = 0; ; fetches++) {
      const fetched = await this.fetchedAhead(r, stop).catch((error: unknown) => {
        // Stopped only because the run was.
        if (error instanceof FetchStopped) throwIfAborted(this.d.signal);
        throw error;
      });
      if (!fetched) {
        await this.again(r, "the finished download's zip is gone (HTTP 404)");
        return false;
      }
      const beside =
        fetches === 0
          ? whileReading().catch((error: unknown) => {
              if (!(error instanceof SyncAborted)) this.log.warn({ download: r.id, err: error }, "could not fetch the next zip ahead");
            })
          : undefined;
      try {
        const read = await consume(file);
        return { write: read ? () => read.write() : undefined };
      } catch (error) {
        if (!(error instanceof DownloadFileError)) throw error;
        await rm(file, { force: true });
        if (fetches < 1) {
          this.log.warn({ download: r.id, reason: error.message }, "offline download's zip unreadable; fetching it again");
          continue;
        }
        await this.again(r, error.message);
        return false;
      } finally {
        await beside;
      }
    }
  }
}
