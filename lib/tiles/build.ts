import path from "node:path";
import { Worker } from "node:worker_threads";
import { log } from "@/lib/log";
import { BANDS, type PackedBand, type PointColumns, type Recount, type RecordColumns } from "./build-worker.mjs";

// Next.js bundles route code, so import.meta.url does not point at the source tree there; the
// server always runs from the project root (npm start, vitest, tsx), where this file is.
const WORKER_FILE = path.resolve(process.cwd(), "lib/tiles/build-worker.mjs");

/**
 * Builds the bands of one index in a worker thread, so the server keeps answering while a large
 * species clusters. The thread is started at once and the records handed to it when they arrive,
 * so its start-up (a new V8 isolate, loading supercluster) overlaps the database read. Resolves
 * each band's promise as the worker hands it over (coarse first); on failure every band still
 * pending rejects. The records' buffers are transferred, not copied.
 *
 * Prebuilt coarse cells, when given and found, are handed over first and give the coarse band
 * without the records; the records are then read only once that band is out, because on two
 * cores reading a million of them would slow the very tiles the cells are there to speed up.
 *
 * The exact band of the species' previous index, when given, is recounted instead of rebuilt if
 * the records are the same at the same positions (a vetting changed categories only): the new band
 * shares that band's clusters and trees and has new counts.
 */
export function buildInWorker(
  readRecords: () => Promise<RecordColumns>,
  cells: Promise<PointColumns | null> | null = null,
  previousExact: Promise<PackedBand> | null = null,
): Promise<PackedBand>[] {
  const settle = BANDS.map(() => {
    let resolve!: (band: PackedBand) => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<PackedBand>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject, done: false };
  });
  const fail = (err: Error) => {
    for (const s of settle) if (!s.done) ((s.done = true), s.reject(err));
  };
  const worker = new Worker(WORKER_FILE, { workerData: { role: "edgar-tile-build" } });
  let previous: PackedBand | null = null;
  worker.on("message", ({ index, band, counts }: { index: number; band?: PackedBand; counts?: Recount }) => {
    settle[index].done = true;
    settle[index].resolve(band ?? withCounts(previous!, counts!));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`tile build worker exited (code ${code}) before finishing`)));
  // Failing to read the cells only costs the shortcut: the records give every band.
  const cellsSent = (cells ?? Promise.resolve(null)).then(
    (c) => {
      if (!c) return false;
      worker.postMessage({ cells: c }, [c.lon.buffer, c.lat.buffer, c.id.buffer, c.counts.buffer] as ArrayBuffer[]);
      return true;
    },
    (err: Error) => {
      log.warn({ err }, "prebuilt tile cells could not be read; building from the records");
      return false;
    },
  );
  const coarseOut = cellsSent.then((sent) => (sent ? settle[0].promise.then(noop, noop) : undefined));
  // A previous band that is gone (its build failed) only costs the shortcut.
  const previousRead = (previousExact ?? Promise.resolve(null)).then(
    (band) => (previous = band),
    () => null,
  );
  Promise.all([coarseOut.then(readRecords), previousRead]).then(
    ([r, p]) =>
      worker.postMessage(
        // The previous band is copied: it keeps serving tiles until the new one is out.
        { records: r, previous: p && { points: p.points, parents: p.parents } },
        [r.lon.buffer, r.lat.buffer, r.id.buffer, r.cat.buffer] as ArrayBuffer[],
      ),
    (err: Error) => {
      fail(err);
      void worker.terminate();
    },
  );
  return settle.map((s) => s.promise);
}

const noop = () => undefined;

/** A recounted exact band: the previous one's points, clusters and trees with new counts. */
function withCounts(previous: PackedBand, counts: Recount): PackedBand {
  return {
    ...previous,
    points: { ...previous.points, counts: counts.points },
    clusters: { ...previous.clusters, counts: counts.clusters },
  };
}
