import path from "node:path";
import { Worker } from "node:worker_threads";
import { log } from "@/lib/log";
import { BANDS, type PackedBand, type PointColumns, type RecordColumns } from "./build-worker.mjs";

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
 */
export function buildInWorker(readRecords: () => Promise<RecordColumns>, cells: Promise<PointColumns | null> | null = null): Promise<PackedBand>[] {
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
  worker.on("message", ({ index, band }: { index: number; band: PackedBand }) => {
    settle[index].done = true;
    settle[index].resolve(band);
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
  coarseOut.then(readRecords).then(
    (r) => worker.postMessage({ records: r }, [r.lon.buffer, r.lat.buffer, r.id.buffer, r.cat.buffer] as ArrayBuffer[]),
    (err: Error) => {
      fail(err);
      void worker.terminate();
    },
  );
  return settle.map((s) => s.promise);
}

const noop = () => undefined;
