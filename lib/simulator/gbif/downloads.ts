/**
 * The GBIF simulator's occurrence downloads, as gbif-api's `Download` and gbif/occurrence's
 * download workflow shape them: a request (a `PredicateDownloadRequest`: predicate, format
 * SIMPLE_CSV or DWCA, creator) gets a key like `0000123-250601120000123`; its status moves
 * PREPARING → RUNNING → SUCCEEDED (`Download.Status`), with `downloadLink`, `totalRecords`, `size`
 * once it has succeeded; the zip holds `{key}.csv` (SIMPLE_CSV: the DownloadTerms
 * SIMPLE_DOWNLOAD_TERMS columns, tab-separated, a header line, no quoting — GBIF strips tabs and
 * line breaks out of values) or a Darwin Core Archive (meta.xml, metadata.xml, occurrence.txt).
 * The records are those matching at the request, as GBIF's export is a snapshot.
 * Faults are queued per download, like the ALA simulator's.
 */
import type { Readable } from "node:stream";
import yazl from "yazl";
import { corrupted } from "../downloads";
import type { GbifData, GbifRecord } from "./data";
import { compile, type Predicate } from "./predicate";
import { AVES_KEY } from "./taxa";

export const GBIF_DOWNLOAD_FAULTS = [
  "stuck",
  "failed",
  "killed",
  "gone",
  "erased",
  "truncatedZip",
  "crcError",
  "noDataFile",
  "missingColumns",
  "reorderedColumns",
  "includesNonBirds",
] as const;
export type GbifDownloadFault = (typeof GBIF_DOWNLOAD_FAULTS)[number];

export type GbifFormat = "SIMPLE_CSV" | "DWCA";

export interface GbifDownloadSettings {
  /** How long a download stays PREPARING, then RUNNING. */
  preparingMs: number;
  runningMs: number;
}

/** The SIMPLE_CSV columns, in GBIF's order (gbif/occurrence DownloadTerms.SIMPLE_DOWNLOAD_TERMS). */
export const SIMPLE_CSV_COLUMNS = [
  "gbifID", "datasetKey", "occurrenceID", "kingdom", "phylum", "class", "order", "family", "genus", "species",
  "infraspecificEpithet", "taxonRank", "scientificName", "verbatimScientificName", "verbatimScientificNameAuthorship",
  "countryCode", "locality", "stateProvince", "occurrenceStatus", "individualCount", "publishingOrgKey",
  "decimalLatitude", "decimalLongitude", "coordinateUncertaintyInMeters", "coordinatePrecision", "elevation",
  "elevationAccuracy", "depth", "depthAccuracy", "eventDate", "day", "month", "year", "taxonKey", "speciesKey",
  "basisOfRecord", "institutionCode", "collectionCode", "catalogNumber", "recordNumber", "identifiedBy",
  "dateIdentified", "license", "rightsHolder", "recordedBy", "typeStatus", "establishmentMeans", "lastInterpreted",
  "mediaType", "issue",
] as const;

const DWC = "http://rs.tdwg.org/dwc/terms/";
const GBIF_TERMS = new Set(["gbifID", "datasetKey", "species", "verbatimScientificName", "publishingOrgKey", "elevation", "elevationAccuracy", "depth", "depthAccuracy", "taxonKey", "speciesKey", "lastInterpreted", "mediaType", "issue"]);
const termUri = (name: string) => (GBIF_TERMS.has(name) ? `http://rs.gbif.org/terms/1.0/${name}` : name === "license" || name === "rightsHolder" ? `http://purl.org/dc/terms/${name}` : DWC + name);

function value(r: GbifRecord, column: string): string {
  const t = r.taxon;
  const date = r.eventDate && /^\d{4}-\d{2}-\d{2}/.test(r.eventDate) ? r.eventDate : null;
  const v: string | number | null = (() => {
    switch (column) {
      case "gbifID": return r.gbifID;
      case "datasetKey": return r.datasetKey;
      case "occurrenceID": return r.occurrenceID;
      case "kingdom": return t.kingdom;
      case "phylum": return t.phylum;
      case "class": return t.class;
      case "order": return t.order;
      case "family": return t.family;
      case "genus": return t.genus;
      case "species": return t.species;
      case "infraspecificEpithet": return r.subspecies;
      case "taxonRank": return r.subspecies ? "SUBSPECIES" : "SPECIES";
      case "scientificName": {
        if (!r.subspecies) return t.scientificName;
        return `${t.species} ${r.subspecies} ${t.scientificName.slice(t.species.length + 1)}`;
      }
      case "verbatimScientificName": return r.subspecies ? `${t.species} ${r.subspecies}` : t.species;
      case "countryCode": return "AU";
      case "occurrenceStatus": return "PRESENT";
      case "decimalLatitude": return r.decimalLatitude;
      case "decimalLongitude": return r.decimalLongitude;
      case "coordinateUncertaintyInMeters": return r.coordinateUncertaintyInMeters;
      case "eventDate": return r.eventDate;
      case "year": return r.eventDate ? r.eventDate.slice(0, 4) : null;
      case "month": return date ? Number(date.slice(5, 7)) : null;
      case "day": return date ? Number(date.slice(8, 10)) : null;
      case "taxonKey": return r.taxonKey;
      case "speciesKey": return t.speciesKey;
      case "basisOfRecord": return r.basisOfRecord;
      case "institutionCode": return r.institutionCode;
      case "license": return r.license;
      case "recordedBy": return r.recordedBy;
      case "lastInterpreted": return new Date(r.lastInterpreted).toISOString();
      case "issue": return r.decimalLatitude !== null ? "COORDINATE_ROUNDED" : "";
      default: return null;
    }
  })();
  // GBIF's export removes the delimiters from values rather than quoting them.
  return v === null ? "" : String(v).replace(/[\t\r\n]+/g, " ");
}

interface Download {
  key: string;
  request: { predicate: Predicate; creator: string; format: GbifFormat; sendNotification: boolean; notificationAddresses: string[]; description: string | null };
  createdAt: number;
  records: GbifRecord[];
  fault: GbifDownloadFault | null;
  zipFetches: number;
}

export class GbifDownloads {
  settings: GbifDownloadSettings = { preparingMs: 100, runningMs: 100 };
  private readonly items = new Map<string, Download>();
  private faultQueue: { mode: GbifDownloadFault; count: number }[] = [];
  private sequence = 0;

  constructor(
    private readonly data: GbifData,
    private readonly baseUrl: () => string,
  ) {}

  addFault(mode: GbifDownloadFault, count = 1): void {
    this.faultQueue.push({ mode, count });
  }

  clearFaults(): void {
    this.faultQueue = [];
  }

  state() {
    return {
      settings: this.settings,
      pendingFaults: this.faultQueue.filter((f) => f.count > 0),
      downloads: [...this.items.values()].map((d) => ({ key: d.key, status: this.statusOf(d), format: d.request.format, totalRecords: d.records.length, fault: d.fault, zipFetches: d.zipFetches, predicate: d.request.predicate })),
    };
  }

  /** A new download of the records matching now; its key. The predicate is compiled (and so checked) first. */
  request(r: Download["request"]): string {
    const test = compile(r.predicate);
    const fault = this.takeFault();
    // The fault's download also holds what the taxon filter left out: a predicate widened by mistake.
    const wide = fault === "includesNonBirds" ? compile(withoutTaxonKey(r.predicate)) : test;
    const records = this.data.list().filter(wide).map((x) => ({ ...x }));
    const created = new Date();
    const stamp = created.toISOString().replace(/\D/g, "").slice(2, 17);
    const key = `${String(++this.sequence).padStart(7, "0")}-${stamp}`;
    this.items.set(key, { key, request: r, createdAt: created.getTime(), records, fault, zipFetches: 0 });
    return key;
  }

  /** The `Download` JSON of a key, or null (404). */
  status(key: string): Record<string, unknown> | null {
    const d = this.items.get(key);
    if (!d) return null;
    const status = this.statusOf(d);
    const done = status === "SUCCEEDED" || status === "FILE_ERASED";
    const created = new Date(d.createdAt).toISOString();
    return {
      key: d.key,
      doi: `10.80001/sim.${d.key}`,
      license: "unspecified",
      request: { ...d.request, type: "OCCURRENCE", verbatimExtensions: [] },
      created,
      modified: done ? new Date(d.createdAt + this.settings.preparingMs + this.settings.runningMs).toISOString() : created,
      eraseAfter: new Date(d.createdAt + 180 * 86_400_000).toISOString(),
      status,
      ...(done ? { downloadLink: `${this.baseUrl()}/v1/occurrence/download/request/${d.key}.zip` } : {}),
      size: done ? 1000 + d.records.length * 300 : 0,
      totalRecords: done ? d.records.length : 0,
      numberDatasets: done ? new Set(d.records.map((x) => x.datasetKey)).size : 0,
      source: "rest",
    };
  }

  private statusOf(d: Download): string {
    const elapsed = Date.now() - d.createdAt;
    if (d.fault === "stuck" || elapsed < this.settings.preparingMs) return "PREPARING";
    if (elapsed < this.settings.preparingMs + this.settings.runningMs) return "RUNNING";
    if (d.fault === "failed") return "FAILED";
    if (d.fault === "killed") return "KILLED";
    if (d.fault === "erased") return "FILE_ERASED";
    return "SUCCEEDED";
  }

  /** The zip of a succeeded download, or null for a 404. */
  zip(key: string): Readable | null {
    const d = this.items.get(key);
    if (!d || this.statusOf(d) !== "SUCCEEDED" || d.fault === "gone") return null;
    d.zipFetches++;
    const zip = new yazl.ZipFile();
    let columns: string[] = [...SIMPLE_CSV_COLUMNS];
    if (d.fault === "missingColumns") columns = columns.filter((c) => c !== "decimalLongitude");
    if (d.fault === "reorderedColumns") columns.reverse();
    const dataName = d.request.format === "DWCA" ? "occurrence.txt" : `${d.key}.csv`;
    if (d.fault !== "noDataFile") {
      const lines = [columns.join("\t"), ...d.records.map((r) => columns.map((c) => value(r, c)).join("\t"))];
      zip.addBuffer(Buffer.from(lines.join("\n") + "\n"), dataName);
    }
    if (d.request.format === "DWCA") {
      zip.addBuffer(Buffer.from(metaXml(columns, dataName)), "meta.xml");
      zip.addBuffer(Buffer.from(eml(d)), "metadata.xml");
      zip.addBuffer(Buffer.from(`GBIF Occurrence Download https://doi.org/10.80001/sim.${d.key}\n`), "citations.txt");
    }
    zip.end();
    const output = zip.outputStream as unknown as Readable;
    if (d.fault === "crcError" || (d.fault === "truncatedZip" && d.zipFetches === 1)) return corrupted(output, d.fault === "crcError" ? "crc" : "truncate", dataName);
    return output;
  }

  private takeFault(): GbifDownloadFault | null {
    const next = this.faultQueue.find((f) => f.count > 0);
    if (!next) return null;
    next.count--;
    return next.mode;
  }
}

function withoutTaxonKey(p: Predicate): Predicate {
  if (p.type === "and" || p.type === "or") {
    const rest = p.predicates.filter((q) => !(q.type === "equals" && /^taxon_?key$/i.test(q.key) && String(q.value) === String(AVES_KEY))).map(withoutTaxonKey);
    return rest.length ? { type: p.type, predicates: rest } : { type: "isNotNull", parameter: "GBIF_ID" };
  }
  return "key" in p && /^taxon_?key$/i.test(p.key) ? { type: "isNotNull", parameter: "GBIF_ID" } : p;
}

function metaXml(columns: string[], location: string): string {
  const fields = columns.map((c, i) => `    <field index="${i}" term="${termUri(c)}"/>`).join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="metadata.xml">
  <core encoding="UTF-8" fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
    <files><location>${location}</location></files>
    <id index="${Math.max(0, columns.indexOf("gbifID"))}"/>
${fields}
  </core>
</archive>
`;
}

function eml(d: Download): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" packageId="${d.key}">
  <dataset>
    <title>GBIF Occurrence Download ${d.key}</title>
    <intellectualRights><para>Records are licensed as each record's license column says.</para></intellectualRights>
  </dataset>
  <additionalMetadata><metadata><gbif><citation>GBIF.org (simulated) GBIF Occurrence Download https://doi.org/10.80001/sim.${d.key}</citation></gbif></metadata></additionalMetadata>
</eml:eml>
`;
}
