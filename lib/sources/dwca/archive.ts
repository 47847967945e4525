/**
 * Opens a Darwin Core Archive (a zip) and streams its core file as rows of terms. Nothing is held
 * whole: archives of many gigabytes exist. yauzl reads the zip as the ALA download reader does
 * (lib/ala/download-zip.ts), lib/ala/csv-rows splits quoted files.
 */
import { Transform, type Readable } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { CsvError, CsvRows, type CsvRow } from "@/lib/ala/csv-rows";
import { ArchiveError, parseEml, parseMeta, type CoreDescriptor, type DatasetMetadata } from "./meta";

export interface Archive {
  core: CoreDescriptor;
  dataset: DatasetMetadata;
  /** Streams the core's data rows (header lines skipped), numbered from 1 as lines of the file. */
  /** `fields.badQuote`: a quoted field in the row was not closed where it should be. */
  rows(): AsyncGenerator<{ line: number; fields: CsvRow }>;
  close(): void;
}

export function openZip(path: string): Promise<{ file: yauzl.ZipFile; entries: Map<string, yauzl.Entry> }> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, file) => {
      if (err || !file) return reject(new ArchiveError(`the archive is not a readable zip file: ${err?.message ?? "unknown error"}`));
      const entries = new Map<string, yauzl.Entry>();
      file.on("entry", (e: yauzl.Entry) => {
        entries.set(e.fileName, e);
        file.readEntry();
      });
      file.on("end", () => resolve({ file, entries }));
      file.on("error", (e: Error) => reject(new ArchiveError(`the archive's zip is damaged: ${e.message}`)));
      file.readEntry();
    });
  });
}

/**
 * An entry's bytes, checked against its CRC-32 as they pass (yauzl does not check it): a corrupt
 * file fails at its end, in the first (checking) pass, before anything is written.
 */
export function stream(file: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    file.openReadStream(entry, (err, s) => {
      if (err || !s) return reject(new ArchiveError(`cannot read ${entry.fileName}: ${err?.message}`));
      let crc = 0;
      const checked = new Transform({
        transform(chunk: Buffer, _enc, done) {
          crc = crc32(chunk, crc);
          done(null, chunk);
        },
        flush(done) {
          done((crc >>> 0) === (entry.crc32 >>> 0) ? null : new ArchiveError(`${entry.fileName} fails its CRC check: the zip is corrupt`));
        },
      });
      s.on("error", (e: Error) => checked.destroy(new ArchiveError(`cannot read ${entry.fileName}: ${e.message}`)));
      // A reader that stops early (a header read) releases the entry's stream too.
      checked.on("close", () => s.destroy());
      resolve(s.pipe(checked));
    }),
  );
}

async function readText(file: yauzl.ZipFile, entry: yauzl.Entry, limit = 10 * 1024 * 1024): Promise<string> {
  if (entry.uncompressedSize > limit) throw new ArchiveError(`${entry.fileName} is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of await stream(file, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Lines without enclosure: split on the line terminator, then the field separator. */
export async function* plainRows(text: AsyncIterable<string>, core: Pick<CoreDescriptor, "linesTerminatedBy" | "fieldsTerminatedBy">): AsyncGenerator<string[]> {
  let rest = "";
  const lineEnd = core.linesTerminatedBy.includes("\n") ? "\n" : core.linesTerminatedBy;
  const split = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line).split(core.fieldsTerminatedBy);
  for await (const chunk of text) {
    const lines = (rest + chunk).split(lineEnd);
    rest = lines.pop()!;
    for (const line of lines) yield split(line);
  }
  if (rest !== "" && rest !== "\r") yield split(rest);
}

async function* quotedRows(text: AsyncIterable<string>, core: CoreDescriptor): AsyncGenerator<CsvRow> {
  const csv = new CsvRows(core.fieldsTerminatedBy);
  for await (const chunk of text) yield* csv.push(chunk);
  try {
    yield* csv.end();
  } catch (error) {
    if (error instanceof CsvError) throw new ArchiveError(`${core.location} ends inside a quoted field: ${error.message}`);
    throw error;
  }
}

/** Opens the archive, reads meta.xml and eml.xml, and checks the core file is there. */
export async function openArchive(path: string): Promise<Archive> {
  const zip = await openZip(path);
  try {
    const names = [...zip.entries.keys()];
    // Some tools put everything under one folder: accept meta.xml there too.
    const metaName = names.find((n) => n === "meta.xml") ?? names.find((n) => /^[^/]+\/meta\.xml$/.test(n));
    if (!metaName) throw new ArchiveError(`the archive has no meta.xml (it holds ${names.slice(0, 10).join(", ") || "nothing"})`);
    const base = metaName.slice(0, metaName.length - "meta.xml".length);
    const core = parseMeta(await readText(zip.file, zip.entries.get(metaName)!));
    const coreEntry = zip.entries.get(base + core.location);
    if (!coreEntry) throw new ArchiveError(`meta.xml names the core file ${core.location}, which is not in the archive`);
    const emlEntry = zip.entries.get(base + core.metadata);
    const dataset = emlEntry ? parseEml(await readText(zip.file, emlEntry)) : { title: null, license: null, citation: null };
    return {
      core,
      dataset,
      async *rows() {
        const text = (await stream(zip.file, coreEntry)).setEncoding("utf8") as AsyncIterable<string>;
        const split = core.fieldsEnclosedBy === "" ? plainRows(text, core) : quotedRows(text, core);
        let line = 0;
        for await (const fields of split) {
          line++;
          if (line <= core.ignoreHeaderLines) continue;
          if (fields.length === 1 && fields[0] === "") continue;
          yield { line, fields };
        }
      },
      close: () => zip.file.close(),
    };
  } catch (error) {
    zip.file.close();
    throw error;
  }
}
