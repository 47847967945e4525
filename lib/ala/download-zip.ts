/**
 * Reads an offline download's zip from disk: checks it (central directory, sizes and every data
 * entry's CRC-32, so a corrupt file never puts a row in the database), whole first or as it is read
 * (`checkFirst`), and streams its data file(s) as batches of records. The zip may be hundreds of
 * megabytes: nothing is held whole.
 * yauzl reads the zip (it needs random access, hence the file), lib/ala/csv-rows the CSV; both
 * chosen by measurement (docs/sync.md).
 */
import { pipeline, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { crc32, createInflateRaw } from "node:zlib";
import yauzl from "yauzl";
import { CsvError, CsvRows } from "./csv-rows";
import { mapHeadings, type ColumnMap, type DownloadColumn } from "./download-columns";
import { rowReader, type AlaRecord, type InvalidRecord } from "./schemas";

/** A zip that cannot be used as it is: asking the ALA for it again may help. */
export class DownloadFileError extends Error {
  override name = "DownloadFileError";
}

export interface RecordBatch {
  records: AlaRecord[];
  invalid: InvalidRecord[];
  /** Rows read (valid + invalid). */
  received: number;
}

interface Zip {
  file: yauzl.ZipFile;
  entries: yauzl.Entry[];
}

function open(path: string): Promise<Zip> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, file) => {
      if (err || !file) return reject(new DownloadFileError(`the download is not a readable zip: ${err?.message ?? "unknown error"}`));
      const entries: yauzl.Entry[] = [];
      file.on("entry", (e: yauzl.Entry) => {
        entries.push(e);
        file.readEntry();
      });
      file.on("end", () => resolve({ file, entries }));
      file.on("error", (e: Error) => reject(new DownloadFileError(`the download's zip is damaged: ${e.message}`)));
      file.readEntry();
    });
  });
}

/** Bytes of inflated text handed on at a time. */
const CHUNK = 1 << 16;

/**
 * An entry's bytes, inflated here rather than by yauzl: its inflater hands on 16 kB chunks, and
 * each chunk costs a round of stream machinery (zlib's callback, yauzl's byte counter, the text
 * decoder, the CSV splitter's carry-over); 64 kB chunks cost the same once per 4 of them
 * (docs/sync.md). The sizes and the CRC are checked by `verify`.
 */
function entryStream(zip: Zip, entry: yauzl.Entry): Promise<Readable> {
  if (entry.isEncrypted()) return Promise.reject(new DownloadFileError(`${entry.fileName} in the download is encrypted`));
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return Promise.reject(new DownloadFileError(`${entry.fileName} in the download uses an unknown compression method (${entry.compressionMethod})`));
  return new Promise((resolve, reject) =>
    zip.file.openReadStream(entry, { decodeFileData: false }, (err, raw) => {
      if (err || !raw) return reject(new DownloadFileError(`cannot read ${entry.fileName}: ${err?.message}`));
      resolve(entry.compressionMethod === 0 ? raw : pipeline(raw, createInflateRaw({ chunkSize: CHUNK }), () => undefined));
    }),
  );
}

/** `data.csv`, then `data_part2.csv`… (biocache splits files past zip.file.size.mb.max), in that order. */
export function dataEntries(entries: readonly yauzl.Entry[], file = "data"): yauzl.Entry[] {
  const pattern = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:_part(\\d+))?\\.(csv|tsv)$`);
  return entries
    .map((e) => ({ e, m: pattern.exec(e.fileName) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m![1] ?? 1) - Number(b.m![1] ?? 1))
    .map((x) => x.e);
}

/**
 * The entry's inflated bytes; at their end, their size and CRC-32 are checked against the entry's.
 * A stream that fails, or bytes that do not check out, are a damaged download.
 */
async function* checkedBytes(zip: Zip, entry: yauzl.Entry): AsyncGenerator<Buffer> {
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of (await entryStream(zip, entry)) as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  } catch (error) {
    throw error instanceof DownloadFileError ? error : new DownloadFileError(`${entry.fileName} in the download is damaged: ${(error as Error).message}`);
  }
  if (size !== entry.uncompressedSize) throw new DownloadFileError(`${entry.fileName} in the download holds ${size} bytes where its zip entry says ${entry.uncompressedSize}`);
  if (crc >>> 0 !== entry.crc32 >>> 0) throw new DownloadFileError(`${entry.fileName} in the download fails its CRC check`);
}

async function verify(zip: Zip, entry: yauzl.Entry): Promise<void> {
  for await (const chunk of checkedBytes(zip, entry)) void chunk;
}

export interface ReadOptions {
  columns: readonly DownloadColumn[];
  /** Records per batch. */
  batchSize?: number;
  /** The `file` name asked for (default `data`). */
  file?: string;
  /**
   * Check every data entry whole before its first row (the default). False reads each entry once:
   * its rows come as it is inflated and a failed check ends the read with DownloadFileError, after
   * the rows, so the caller must hold them until the read ends (lib/sync/download-thread.ts).
   */
  checkFirst?: boolean;
}

/**
 * Verifies the zip, then yields its records in batches (`checkFirst`). Throws DownloadFileError for
 * a zip that is damaged, has no data file, or lacks a column the import needs.
 */
export async function* readDownload(path: string, o: ReadOptions): AsyncGenerator<RecordBatch> {
  const zip = await open(path);
  try {
    const data = dataEntries(zip.entries, o.file);
    if (!data.length) throw new DownloadFileError(`the download holds no ${o.file ?? "data"}.csv (it has ${zip.entries.map((e) => e.fileName).join(", ") || "nothing"})`);
    if (o.checkFirst ?? true) for (const entry of data) await verify(zip, entry);
    for (const entry of data) yield* readEntry(zip, entry, o);
  } finally {
    zip.file.close();
  }
}

async function* readEntry(zip: Zip, entry: yauzl.Entry, o: ReadOptions): AsyncGenerator<RecordBatch> {
  const size = o.batchSize ?? 2000;
  // Decoded before splitting: a character whose bytes straddle two chunks must not be cut
  // (names such as "Ōtautahi" came out as "���" when each chunk was decoded on its own).
  const decoder = new StringDecoder("utf8");
  // Checked as it is read, unless it was checked whole first.
  const bytes = o.checkFirst === false ? checkedBytes(zip, entry) : ((await entryStream(zip, entry)) as AsyncIterable<Buffer>);
  const csv = new CsvRows(entry.fileName.endsWith(".tsv") ? "\t" : ",");
  let map: ColumnMap | null = null;
  let read: ReturnType<typeof rowReader> | null = null;
  let batch: RecordBatch = { records: [], invalid: [], received: 0 };
  let line = 0;
  const rows = async function* () {
    try {
      for await (const chunk of bytes) yield csv.push(decoder.write(chunk));
      yield [...csv.push(decoder.end()), ...csv.end()];
    } catch (error) {
      // A quote left open: at the end, a file cut short; before, a row running on past 1 MB.
      if (error instanceof CsvError) throw new DownloadFileError(`${entry.fileName} in the download cannot be split into rows: ${error.message}`);
      throw error;
    }
  };
  for await (const chunk of rows()) {
    for (const row of chunk) {
      line++;
      if (!map || !read) {
        map = mapHeadings(row, o.columns);
        if (map.missing.length) throw new DownloadFileError(`${entry.fileName} in the download lacks the column(s) ${map.missing.join(", ")}`);
        read = rowReader(map.columns);
        continue;
      }
      batch.received++;
      const refused = row.badQuote
        ? `row ${line} has text after a field's closing quote: the row, and maybe the next, cannot be read`
        : row.length !== map.width
          ? `row ${line} has ${row.length} fields where the heading has ${map.width}`
          : null;
      if (refused) {
        batch.invalid.push({ index: line, uuid: row[map.columns.find((c) => c.key === "uuid")?.index ?? 0], reason: refused });
      } else {
        const parsed = read(row);
        if (parsed.ok) batch.records.push(parsed.record);
        else batch.invalid.push({ index: line, reason: parsed.reason });
      }
      if (batch.received >= size) {
        yield batch;
        batch = { records: [], invalid: [], received: 0 };
      }
    }
  }
  if (!map) throw new DownloadFileError(`${entry.fileName} in the download is empty (not even a heading row)`);
  if (batch.received) yield batch;
}
