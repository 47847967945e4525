/**
 * The download thread (started by lib/sync/download-import.ts): reads offline downloads' zips, one
 * at a time as it is asked, and turns their rows into `COPY sync_stage` text, off the main thread
 * and within its own bounded heap. Everything a record leaves behind (cells, the record, its import
 * row, its line) is garbage within one batch, so a small heap collected often holds the import's
 * memory flat, and the parsing runs on a core of its own.
 *
 * Each zip is inflated once: its batches of COPY text are spooled to a file beside it as they are
 * made, and the main thread is told of them only once the zip's sizes and CRC-32 have checked out
 * at the end of the read, so a damaged zip still puts no row in the database. Checking it whole
 * first, as before, inflated every zip twice (2 µs of CPU a record; docs/sync.md). The main thread
 * writes the spool while this thread reads the next zip.
 *
 * Species and dataset ids live in the database, which only the main thread touches: rows of a
 * species or dataset the thread has no id for yet wait until the end of their batch, when one
 * message asks the main thread for all of them.
 */
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { DownloadFileError, readDownload } from "@/lib/ala/download-zip";
import type { ImportRow } from "@/lib/ala/normalise";
import { createRules, type Rule } from "@/lib/ratings/rules";
import type { IdsReply, ReadJob, SpooledBatch, ThreadMessage } from "./download-import";
import { CopyText } from "./copy-text";
import { LineIndex } from "./line-index";
import { keepRecord, stageRow, type Prepared, type SkipCounts } from "./prepare";

const port = parentPort!;
/** Ids known to this thread, for the run that asked (`reset` by a read for another run). */
/** Species ids by the source's species id; null: a species another atlas holds that matches none of Edgar's. */
const species = new Map<string, number | null>();
const datasets = new Map<string, number>();
let rules: readonly Rule[] = [];
/** Keep the records' image ids (the ALA's only). */
let images = true;

let answer: ((reply: IdsReply) => void) | null = null;
port.on("message", (m: IdsReply | ReadJob) => {
  if (m.type === "ids") {
    answer?.(m);
    answer = null;
  } else void read(m);
});

const post = (m: ThreadMessage) => port.postMessage(m);

/** The batch's COPY text, written line by line as it is made (off the heap). */
const text = new CopyText(1 << 22);
let rows = 0;
/** Where each record's line is: a record the file holds twice is written once, the last wins. */
const index = new LineIndex();
/** Lines replaced by a later copy of their record (start, end), cut out before the batch is sent. */
let dead: [number, number][] = [];
let pending: ImportRow[] = [];
let skipped: SkipCounts = {};
let malformed: Prepared["malformed"] = [];
let received = 0;
/** Rows of the zip read so far. */
let readSoFar = 0;

/** Writes the row's line if its species and dataset have ids here; false when one has none yet. */
function put(r: ImportRow): boolean {
  // Each look-up hashes a new string (the row's): once each, 0.2 µs apiece.
  const speciesId = species.get(r.speciesGuid);
  const datasetId = r.dataset ? datasets.get(r.dataset.uid) : null;
  if (speciesId === undefined || datasetId === undefined) return false;
  if (speciesId === null) {
    skipped.unmatchedName = (skipped.unmatchedName ?? 0) + 1;
    return true;
  }
  const at = index.swap(r.sourceId, text.used, text);
  text.line(stageRow(r, speciesId, datasetId, rules, images));
  if (at !== undefined) dead.push([at, text.bytes().indexOf(10, at) + 1]);
  else rows++;
  return true;
}

/** The batch's text without the lines later copies replaced (a view, valid until the next batch). */
function liveText(): Uint8Array {
  const out = text.bytes();
  const used = out.length;
  if (!dead.length) return out;
  dead.sort((a, b) => a[0] - b[0]);
  const live = new Uint8Array(used);
  let n = 0;
  let from = 0;
  for (const [start, end] of dead) {
    live.set(out.subarray(from, start), n);
    n += start - from;
    from = end;
  }
  live.set(out.subarray(from, used), n);
  return live.subarray(0, n + used - from);
}

async function resolvePending(): Promise<void> {
  const wantSpecies = new Map<string, { guid: string; scientificName: string | null; commonName: string | null }>();
  const wantDatasets = new Map<string, NonNullable<ImportRow["dataset"]>>();
  for (const r of pending) {
    if (!species.has(r.speciesGuid)) wantSpecies.set(r.speciesGuid, { guid: r.speciesGuid, scientificName: r.scientificName, commonName: r.commonName });
    if (r.dataset && !datasets.has(r.dataset.uid)) wantDatasets.set(r.dataset.uid, r.dataset);
  }
  const reply = await new Promise<IdsReply>((resolve) => {
    answer = resolve;
    post({ type: "resolve", species: [...wantSpecies.values()], datasets: [...wantDatasets.values()] });
  });
  for (const [guid, id] of reply.species) species.set(guid, id);
  for (const [uid, id] of reply.datasets) datasets.set(uid, id);
  for (const r of pending) if (!put(r)) throw new Error(`the main thread gave no id for species ${r.speciesGuid} or dataset ${r.dataset?.uid}`);
  pending = [];
}

let spool: { fd: number; batches: SpooledBatch[] } | null = null;

async function spoolBatch(): Promise<void> {
  if (pending.length) await resolvePending();
  if (received === 0) return;
  const copy = liveText();
  writeSync(spool!.fd, copy);
  spool!.batches.push({ bytes: copy.length, rows, received, skipped, malformed });
  readSoFar += received;
  post({ type: "read", received: readSoFar });
  text.reset();
  rows = 0;
  index.clear();
  dead = [];
  skipped = {};
  malformed = [];
  received = 0;
}

async function read(job: ReadJob): Promise<void> {
  if (job.reset) {
    species.clear();
    datasets.clear();
  }
  rules = createRules(job.ratings);
  images = job.images;
  text.reset();
  rows = received = readSoFar = 0;
  index.clear();
  dead = [];
  pending = [];
  skipped = {};
  malformed = [];
  let failure: unknown = null;
  try {
    spool = { fd: openSync(job.spool, "w"), batches: [] };
    // Small batches: records handed on at once die young, instead of surviving into the old generation.
    for await (const batch of readDownload(job.file, { columns: job.columns, batchSize: 200, checkFirst: false })) {
      received += batch.received;
      if (batch.invalid.length) skipped.invalidRecord = (skipped.invalidRecord ?? 0) + batch.invalid.length;
      for (const record of batch.records) {
        const r = keepRecord(record, skipped, malformed);
        if (!r) continue;
        if (!put(r)) pending.push(r);
      }
      if (rows + pending.length >= job.batchRows) await spoolBatch();
    }
    await spoolBatch();
  } catch (error) {
    failure = error;
  }
  const batches = spool?.batches ?? [];
  if (spool) closeSync(spool.fd);
  spool = null;
  if (failure === null) return post({ type: "spooled", batches });
  rmSync(job.spool, { force: true });
  post({ type: "error", fileError: failure instanceof DownloadFileError, message: failure instanceof Error ? failure.message : String(failure) });
}
