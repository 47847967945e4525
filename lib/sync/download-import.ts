/**
 * Imports one offline download's zip through the download thread (lib/sync/download-thread.ts), in
 * two steps: the thread reads, normalises, rates and spools COPY text beside the zip, while this
 * side gives it species and dataset ids; once the zip has checked out, `write` hands each spooled
 * batch to the writer (one upsert each) and counts what was read. The thread reads the next zip
 * while a spool is written.
 *
 * The thread has its own heap, bounded by `resourceLimits`: the import's garbage (a few objects
 * per record) is then collected within a small heap instead of growing the process's, which kept
 * the importer's peak RSS proportional to nothing but V8's appetite (docs/performance.md).
 */
import { open, rm } from "node:fs/promises";
import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import type { DownloadColumn } from "@/lib/ala/download-columns";
import { DownloadFileError } from "@/lib/ala/download-zip";
import type { ImportRow } from "@/lib/ala/normalise";
import type { RatingConfig } from "@/lib/ratings/rules";
import type { DatasetIds } from "./datasets";
import { SyncAborted } from "./errors";
import type { Prepared, RecordSpecies, SkipCounts } from "./prepare";
import type { Writer } from "./writer";

type Dataset = NonNullable<ImportRow["dataset"]>;

/** One zip to read (main → thread). */
export interface ReadJob {
  type: "read";
  file: string;
  /** Where the batches' COPY text is spooled until the zip has checked out. */
  spool: string;
  /** Forget the ids of earlier reads: they were another run's (test databases number alike). */
  reset: boolean;
  columns: readonly DownloadColumn[];
  ratings: RatingConfig | undefined;
  /** Keep the records' image ids (the ALA's only: image URLs are built on ALA_IMAGES_URL). */
  images: boolean;
  /** Rows per batch (one upsert each). */
  batchRows: number;
}

/** One batch in the spool, which holds the batches' text one after another. */
export interface SpooledBatch {
  bytes: number;
  rows: number;
  received: number;
  skipped: SkipCounts;
  malformed: Prepared["malformed"];
}

/** What the thread says. */
export type ThreadMessage =
  | { type: "resolve"; species: { guid: string; scientificName: string | null; commonName: string | null }[]; datasets: Dataset[] }
  | { type: "read"; received: number }
  | { type: "spooled"; batches: SpooledBatch[] }
  | { type: "error"; fileError: boolean; message: string };

/** The ids the thread asked for. */
export interface IdsReply {
  type: "ids";
  /** null: a species of another atlas that matches none of Edgar's (its records are skipped). */
  species: [string, number | null][];
  datasets: [string, number][];
}

export interface DownloadImportDeps {
  writer: Writer;
  species: RecordSpecies;
  datasets: DatasetIds;
  /** Default true. */
  images?: boolean;
  ratings?: RatingConfig;
  signal?: AbortSignal;
  /** Each batch's rows read, skipped and malformed, as it is queued. */
  onBatch: (batch: { received: number; skipped: SkipCounts; malformed: Prepared["malformed"] }) => void;
  /** Rows of the zip read so far, after each batch spooled: the read goes unseen by onBatch until the zip checks out. */
  onRead?: (received: number) => void;
}

const ENTRY = new URL("./download-thread.mjs", import.meta.url);

/**
 * The thread's heap: a batch's COPY text is off-heap and its ids a few MB; the rest is garbage
 * that should die young. Left to itself, a worker with a small old generation gets a small young
 * one too, records outlive it and are promoted, and 100 000 records took 88 full collections
 * (90 µs of CPU a record, against 50 µs with the young generation set; docs/performance.md).
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 48 };

/**
 * One thread serves every read of the process, one at a time (runs are one at a time too), so
 * its start (a second or two: it loads its TypeScript) is paid once. It does not keep the process
 * alive, and ends after a minute without work.
 */
let thread: { worker: Worker; owner: object | null; idle: NodeJS.Timeout | undefined } | null = null;
const IDLE_MS = 60_000;

function takeThread(): NonNullable<typeof thread> {
  if (!thread) {
    const worker = new Worker(ENTRY, { resourceLimits: RESOURCE_LIMITS });
    worker.unref();
    const t = { worker, owner: null, idle: undefined };
    worker.once("exit", () => {
      if (thread === t) thread = null;
    });
    thread = t;
  }
  clearTimeout(thread.idle);
  // Kept alive while it reads: the run may be waiting on nothing else.
  thread.worker.ref();
  return thread;
}

function releaseThread(t: NonNullable<typeof thread>, healthy: boolean): void {
  if (!healthy) {
    if (thread === t) thread = null;
    void t.worker.terminate();
    return;
  }
  t.worker.unref();
  t.idle = setTimeout(() => releaseThread(t, false), IDLE_MS);
  t.idle.unref();
}

/** A download's zip, read and checked out: its rows wait in the spool until `write` is called. */
export interface SpooledDownload {
  /** Queues the spooled batches in the writer; resolves once every row is committed, and deletes the spool. */
  write(): Promise<void>;
}

/**
 * Reads the zip's `columns` into a spool beside it. Throws DownloadFileError for a zip that will not
 * read (nothing spooled is kept then). The ids of species and datasets first seen are created as
 * they are met, before the zip has checked out.
 */
export async function importDownload(file: string, columns: readonly DownloadColumn[], deps: DownloadImportDeps): Promise<SpooledDownload> {
  const t = takeThread();
  const { worker } = t;
  const spool = `${file}.copy`;
  // The species ids object is the run's: another one means another run, maybe of another database.
  const job: ReadJob = { type: "read", file, spool, reset: t.owner !== deps.species, columns, ratings: deps.ratings, images: deps.images ?? true, batchRows: 20_000 };
  t.owner = deps.species;
  let healthy = false;
  let onMessage: (m: ThreadMessage) => void = () => undefined;
  let onError: (error: Error) => void = () => undefined;
  let onExit: (code: number) => void = () => undefined;
  // With allocation-site pretenuring on, a thread fell at random, at its start, into a full
  // collection every 80–100 ms for its whole life: 23–31 µs of CPU a row instead of 14–17, and
  // never with it off (docs/performance.md, issue 16). The flag is the process's, read by V8 at each
  // collection: off while a read runs (one at a time, as the thread serves them), on again after,
  // so the process's other work (range builds, about 8 % faster with it) keeps it.
  v8.setFlagsFromString("--no-allocation-site-pretenuring");
  try {
    const batches = await new Promise<SpooledBatch[]>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      // Messages are handled one after another, in the order they came.
      let queue = Promise.resolve();
      const handle = async (m: ThreadMessage) => {
        switch (m.type) {
          case "resolve": {
            await deps.datasets.resolve(m.datasets);
            const reply: IdsReply = { type: "ids", species: [], datasets: [] };
            for (const s of m.species) reply.species.push([s.guid, deps.species.get(s.guid) ?? (await deps.species.resolve(s.guid, s))]);
            for (const d of m.datasets) reply.datasets.push([d.uid, deps.datasets.get(d.uid)!]);
            worker.postMessage(reply);
            return;
          }
          case "read":
            deps.onRead?.(m.received);
            return;
          case "spooled":
            settled = healthy = true;
            resolve(m.batches);
            return;
          case "error":
            // A zip that will not read leaves the thread ready for the next one.
            healthy = m.fileError;
            throw m.fileError ? new DownloadFileError(m.message) : new Error(`the download thread failed: ${m.message}`);
        }
      };
      onMessage = (m) => {
        queue = queue.then(() => (settled ? undefined : handle(m))).catch(fail);
      };
      onError = (error) => fail(new Error(`the download thread failed: ${error.message}`));
      onExit = (code) => void queue.then(() => fail(new Error(`the download thread exited with code ${code} before the end of the file`)));
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage(job);
    });
    return { write: () => writeSpool(spool, batches, deps) };
  } finally {
    v8.setFlagsFromString("--allocation-site-pretenuring");
    worker.off("message", onMessage);
    worker.off("error", onError);
    worker.off("exit", onExit);
    releaseThread(t, healthy);
  }
}

async function writeSpool(spool: string, batches: readonly SpooledBatch[], deps: DownloadImportDeps): Promise<void> {
  let committed = Promise.resolve();
  const file = await open(spool);
  // Two buffers, taken in turn: a batch is read into one while the batch before is upserted from
  // the other. A new one per batch (2–3 MB outside the heap) pressed V8 into full collections of
  // the main heap: 25 during a 1 M import, against 15 with the two (docs/performance.md).
  const buffers: Uint8Array[] = [];
  try {
    let at = 0;
    for (const [i, b] of batches.entries()) {
      if (deps.signal?.aborted) throw new SyncAborted();
      if ((buffers[i % 2]?.length ?? 0) < b.bytes) buffers[i % 2] = new Uint8Array(Math.max(b.bytes, 4 << 20));
      const copy = buffers[i % 2].subarray(0, b.bytes);
      const { bytesRead } = await file.read(copy, 0, b.bytes, at);
      if (bytesRead !== b.bytes) throw new Error(`the spool ${spool} ends ${b.bytes - bytesRead} bytes short of its batch at ${at}`);
      at += b.bytes;
      deps.onBatch(b);
      // One upsert at a time: a spool's batches are all there at once, and two merges side by side
      // cost PostgreSQL 20 % more CPU (5 M import: 76-79 against 95-97 s) for no gain in time.
      await committed;
      committed = (await deps.writer.addCopy(copy)).committed;
    }
    await committed;
  } finally {
    await file.close();
  }
  await rm(spool, { force: true });
}
