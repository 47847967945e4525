/**
 * A GBIF download zip as record rows for the import (lib/sources/dwca/import.ts importRecords):
 * SIMPLE_CSV's `{key}.csv` (tab-separated, a header line, no quoting: GBIF strips tabs and line
 * breaks from values) read by its header's column names, or a DWCA's occurrence core read as any
 * Darwin Core Archive. Either is streamed from disk, entry CRC-checked (lib/sources/dwca/archive.ts).
 * A download that lacks a column Edgar needs is refused before any row is read.
 */
import type yauzl from "yauzl";
import { openArchive, openZip, plainRows, stream } from "../dwca/archive";
import { archiveRows, type RecordRows } from "../dwca/import";
import { ArchiveError, type DatasetMetadata } from "../dwca/meta";
import type { Terms } from "../record";

/** The download is readable but not what Edgar can import (a column missing, no data file): fetching it again will not help. */
export class DownloadContentError extends ArchiveError {
  override name = "DownloadContentError";
}

/** The columns without which a download cannot be imported faithfully. */
export const REQUIRED_COLUMNS = ["gbifID", "kingdom", "class", "scientificName", "decimalLatitude", "decimalLongitude", "eventDate", "basisOfRecord"] as const;

/**
 * GBIF's names for the terms the record reader asks for: its datasetKey is the dataset's id, its
 * lastInterpreted the record's modification time. GBIF's taxon keys are not the ALA's species
 * ids, so the taxon id terms are never read: records join species by name.
 */
export function gbifTerms(raw: Terms): Terms {
  return (term) => {
    switch (term) {
      case "taxonConceptID":
      case "taxonID":
      case "speciesID":
        return null;
      case "datasetID":
        return raw("datasetKey") ?? raw("datasetID");
      // SIMPLE_CSV names no dataset: its key says where to find it.
      case "datasetName": {
        const key = raw("datasetKey");
        return raw("datasetName") ?? (key ? `GBIF dataset ${key}` : null);
      }
      case "modified":
        return raw("lastInterpreted") ?? raw("modified");
      default:
        return raw(term);
    }
  };
}

/** The record's identity at GBIF: its gbifID (occurrenceIDs repeat across datasets). */
export const gbifKey = (terms: Terms, id: string | null): string | null => {
  const gbifID = terms("gbifID") ?? id;
  return gbifID ? `gbif:${gbifID}` : null;
};

function missing(have: Iterable<string>): string[] {
  const set = new Set(have);
  return REQUIRED_COLUMNS.filter((c) => !set.has(c));
}

export interface DownloadRows extends RecordRows {
  dataset: DatasetMetadata;
  close(): void;
}

/** Opens a SIMPLE_CSV download: the one `.csv` entry, its header checked. */
async function openSimpleCsv(path: string, key: string): Promise<DownloadRows> {
  const zip = await openZip(path);
  try {
    const entry: yauzl.Entry | undefined = zip.entries.get(`${key}.csv`) ?? [...zip.entries.values()].find((e) => e.fileName.endsWith(".csv"));
    if (!entry) throw new DownloadContentError(`the download holds no data file (${key}.csv); it holds ${[...zip.entries.keys()].join(", ") || "nothing"}`);
    const header = await firstLine(zip.file, entry);
    const lacking = missing(header);
    if (lacking.length) throw new DownloadContentError(`the download's data file lacks the column${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")}`);
    const index = new Map(header.map((name, i) => [name, i]));
    return {
      dataset: { title: `GBIF Occurrence Download ${key}`, license: null, citation: null },
      async *rows() {
        const text = (await stream(zip.file, entry)).setEncoding("utf8") as AsyncIterable<string>;
        let line = 0;
        for await (const fields of plainRows(text, { linesTerminatedBy: "\n", fieldsTerminatedBy: "\t" })) {
          line++;
          if (line === 1 || (fields.length === 1 && fields[0] === "")) continue;
          const raw: Terms = (term) => {
            const i = index.get(term);
            const v = i === undefined ? "" : (fields[i] ?? "").trim();
            return v === "" ? null : v;
          };
          const problem = fields.length !== header.length ? `the row has ${fields.length} fields where the header has ${header.length}` : null;
          yield { line, terms: gbifTerms(raw), id: raw("gbifID"), problem };
        }
      },
      close: () => zip.file.close(),
    };
  } catch (error) {
    zip.file.close();
    throw error;
  }
}

async function firstLine(file: yauzl.ZipFile, entry: yauzl.Entry): Promise<string[]> {
  const s = await stream(file, entry);
  let text = "";
  for await (const chunk of s) {
    text += (chunk as Buffer).toString("utf8");
    const end = text.indexOf("\n");
    if (end >= 0) return text.slice(0, end).replace(/\r$/, "").split("\t");
  }
  return text === "" ? [] : text.replace(/\r$/, "").split("\t");
}

/** Opens a DWCA download as a Darwin Core Archive, its core's terms checked. */
async function openDwca(path: string): Promise<DownloadRows> {
  const archive = await openArchive(path);
  try {
    const lacking = missing(archive.core.fields.map((f) => f.term));
    if (lacking.length) throw new DownloadContentError(`the download's meta.xml lacks the term${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")}`);
    const rows = archiveRows(archive);
    return {
      dataset: archive.dataset,
      async *rows() {
        for await (const row of rows.rows()) yield { ...row, terms: gbifTerms(row.terms) };
      },
      close: () => archive.close(),
    };
  } catch (error) {
    archive.close();
    throw error;
  }
}

export function openDownload(path: string, key: string, format: "SIMPLE_CSV" | "DWCA"): Promise<DownloadRows> {
  return format === "DWCA" ? openDwca(path) : openSimpleCsv(path, key);
}
