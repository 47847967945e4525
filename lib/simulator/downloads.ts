import { createHash } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import yazl from "yazl";
import { csvColumns, csvStream, DEFAULT_FIELDS, type CsvOptions } from "./download-csv";
import { DATA_RESOURCES } from "./resources";
import type { SearchEngine } from "./search";
import type { World } from "./world";

/**
 * The offline download service (`/occurrences/offline/download`, `/status/{id}`, `/cancel/{id}`
 * and the zip at `downloadUrl`), as biocache-service's `DownloadController`, `DownloadService`
 * and `ProcessDownload` do it: a request is queued (`inQueue`), then `running` with `records`
 * done so far, then `finished` with a `downloadUrl`; `tooLarge` past the size limit; an unknown
 * id answers `{}` (a `DownloadStatusDTO` with nothing set, serialised NON_NULL).
 */

export const DOWNLOAD_FAULTS = ["stuck", "gone", "truncatedZip", "crcError", "noDataFile", "missingColumns", "reorderedColumns"] as const;
export type DownloadFault = (typeof DOWNLOAD_FAULTS)[number];

export interface DownloadSettings {
  /** How long a request waits `inQueue` before it runs. */
  queueMs: number;
  /** How fast a running download advances. */
  recordsPerSecond: number;
  /** `download.offline.max.size`: larger requests answer `tooLarge`. */
  maxRecords: number;
  /** Deflate level of the zip (0 stores). */
  compressionLevel: number;
}

export const DEFAULT_DOWNLOAD_SETTINGS: DownloadSettings = { queueMs: 200, recordsPerSecond: 2_000_000, maxRecords: 100_000_000, compressionLevel: 1 };

type State = "inQueue" | "running" | "finished" | "tooLarge" | "cancelled";

interface Download {
  id: string;
  path: string;
  requestedAt: number;
  records: Uint32Array;
  csv: CsvOptions;
  file: string;
  fileType: "csv" | "tsv";
  searchUrl: string;
  cancelled: boolean;
  expired: boolean;
  fault: DownloadFault | null;
  zipFetches: number;
}

export interface DownloadRequest {
  q?: string;
  fq: string[];
  email: string;
  fields: string;
  qa: string;
  dwcHeaders: boolean;
  fileType: string;
  file: string;
  /** Filters added by a requested quality profile (the simulator's own `qualityFilters`). */
  profileFq: readonly string[];
}

export class DownloadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `UUID.nameUUIDFromBytes`: a version-3 (MD5) UUID, what biocache keys a user's downloads by. */
function nameUuid(text: string): string {
  const b = createHash("md5").update(text, "utf8").digest();
  b[6] = (b[6] & 0x0f) | 0x30;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Downloads {
  settings: DownloadSettings = { ...DEFAULT_DOWNLOAD_SETTINGS };
  private readonly items = new Map<string, Download>();
  private readonly tooLarge = new Map<string, { totalRecords: number; message: string }>();
  private faultQueue: { mode: DownloadFault; count: number }[] = [];
  private lastStart = 0;

  constructor(
    private readonly world: World,
    private readonly engine: SearchEngine,
    private readonly baseUrl: () => string,
  ) {}

  /** The next `count` download requests get this fault (queued after any earlier ones). */
  addFault(mode: DownloadFault, count = 1): void {
    this.faultQueue.push({ mode, count });
  }

  clearFaults(): void {
    this.faultQueue = [];
  }

  /** Every finished download's zip is deleted and its id forgotten, as the ALA's clean-up does. */
  expireAll(): number {
    let n = 0;
    for (const d of this.items.values()) if (!d.expired) (d.expired = true), n++;
    return n;
  }

  state() {
    const now = Date.now();
    return {
      settings: this.settings,
      pendingFaults: this.faultQueue.filter((f) => f.count > 0),
      downloads: [...this.items.values()].map((d) => ({ id: d.id, status: this.stateOf(d, now), totalRecords: d.records.length, fault: d.fault, zipFetches: d.zipFetches })),
    };
  }

  request(r: DownloadRequest): Record<string, unknown> {
    if (!EMAIL.test(r.email)) throw new DownloadError(400, "No valid email");
    if (r.fileType !== "csv" && r.fileType !== "tsv") throw new DownloadError(400, `fileType must match "(csv|tsv)"`);
    const records = this.engine.run({ q: r.q, fq: [...r.fq, ...r.profileFq] }, { by: "id" });
    const emailKey = nameUuid(r.email);
    // Start times are milliseconds; two requests in the same one would share an id.
    const start = (this.lastStart = Math.max(Date.now(), this.lastStart + 1));
    const id = `${emailKey}-${start}`;
    const base = this.baseUrl();
    const searchUrl = `${base}/occurrences/search?${new URLSearchParams([["q", r.q ?? "*:*"], ...r.fq.map((f): [string, string] => ["fq", f])])}`;
    if (records.length > this.settings.maxRecords) {
      const message = `Requested to many records (${records.length}). The maximum is (${this.settings.maxRecords})`;
      this.tooLarge.set(id, { totalRecords: records.length, message });
      return { status: "tooLarge", totalRecords: records.length, downloadUrl: `${base}/download-limits`, message: "Offline downloads are limited in size.", error: message };
    }
    const d: Download = {
      id,
      path: `${emailKey}/${start}/${r.file}.zip`,
      requestedAt: start,
      records,
      csv: { fields: (r.fields.trim() || DEFAULT_FIELDS).split(","), qa: r.qa, dwcHeaders: r.dwcHeaders, separator: r.fileType === "tsv" ? "\t" : "," },
      file: r.file,
      fileType: r.fileType,
      searchUrl,
      cancelled: false,
      expired: false,
      fault: this.takeFault(),
      zipFetches: 0,
    };
    this.items.set(id, d);
    return this.statusOf(d);
  }

  status(id: string): Record<string, unknown> {
    const big = this.tooLarge.get(id);
    if (big) return { status: "tooLarge", totalRecords: big.totalRecords, error: big.message };
    const d = this.items.get(id);
    return d && !d.expired ? this.statusOf(d) : {};
  }

  /** Cancels a queued download; null (an empty 200) when there is no such queued download. */
  cancel(id: string): Record<string, unknown> | null {
    const d = this.items.get(id);
    if (!d || d.expired || this.stateOf(d, Date.now()) !== "inQueue") return null;
    const status = this.statusOf(d);
    d.cancelled = true;
    return { ...status, status: "cancelled" };
  }

  /** The zip of a finished download at `path` (after the download base), or null for a 404. */
  zip(path: string): Readable | null {
    const d = [...this.items.values()].find((x) => x.path === path);
    if (!d || d.expired || d.fault === "gone" || this.stateOf(d, Date.now()) !== "finished") return null;
    d.zipFetches++;
    return this.buildZip(d);
  }

  private takeFault(): DownloadFault | null {
    const next = this.faultQueue.find((f) => f.count > 0);
    if (!next) return null;
    next.count--;
    return next.mode;
  }

  private stateOf(d: Download, now: number): State {
    if (d.cancelled) return "cancelled";
    const elapsed = now - d.requestedAt;
    if (d.fault === "stuck" || elapsed < this.settings.queueMs) return "inQueue";
    return this.doneAt(d, now) >= d.records.length ? "finished" : "running";
  }

  private doneAt(d: Download, now: number): number {
    return Math.floor(((now - d.requestedAt - this.settings.queueMs) / 1000) * this.settings.recordsPerSecond);
  }

  private statusOf(d: Download): Record<string, unknown> {
    const now = Date.now();
    const state = this.stateOf(d, now);
    const base = this.baseUrl();
    const common = {
      totalRecords: d.records.length,
      statusUrl: `${base}/occurrences/offline/status/${d.id}`,
      cancelUrl: `${base}/occurrences/offline/cancel/${d.id}`,
      searchUrl: d.searchUrl,
    };
    if (state === "inQueue") {
      const queued = [...this.items.values()].filter((x) => this.stateOf(x, now) === "inQueue" && x.id.slice(0, 36) === d.id.slice(0, 36)).length;
      return { status: "inQueue", queueSize: queued, ...common };
    }
    if (state === "running") return { status: "running", records: this.doneAt(d, now), ...common };
    if (state === "cancelled") return { status: "cancelled", ...common };
    return { status: "finished", ...common, downloadUrl: `${base}/biocache-download/${d.path}` };
  }

  private buildZip(d: Download): Readable {
    const w = this.world;
    let columns = csvColumns(w, d.records, d.csv);
    if (d.fault === "missingColumns") columns = columns.filter((c) => c.heading !== "speciesID" && c.heading !== "Species ID");
    if (d.fault === "reorderedColumns") columns = [...columns].reverse();
    const zip = new yazl.ZipFile();
    const level = this.settings.compressionLevel;
    if (d.fault !== "noDataFile") {
      zip.addReadStream(csvStream(w, d.records, columns, d.csv.separator), `${d.file}.${d.fileType}`, { compressionLevel: level });
    }
    zip.addBuffer(Buffer.from(citations(w, d.records)), "citation.csv", { compressionLevel: level });
    zip.addBuffer(Buffer.from(headings(columns.map((c) => c.heading))), "headings.csv", { compressionLevel: level });
    zip.addBuffer(Buffer.from(readme(d)), "README.html", { compressionLevel: level });
    zip.end();
    const broken = d.fault === "crcError" || (d.fault === "truncatedZip" && d.zipFetches === 1);
    // yazl's outputStream is a node stream; its types call it a ReadableStream.
    const output = zip.outputStream as unknown as Readable;
    return broken ? corrupted(output, d.fault === "crcError" ? "crc" : "truncate", `${d.file}.${d.fileType}`) : output;
  }
}

/** The whole zip in memory (test-sized), then cut in half or with the data entry's CRC changed. */
export function corrupted(source: Readable, how: "crc" | "truncate", dataName: string): Readable {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  source.on("data", (c: Buffer) => chunks.push(c));
  source.on("error", (e) => out.destroy(e));
  source.on("end", () => {
    const zip = Buffer.concat(chunks);
    if (how === "truncate") return void out.end(zip.subarray(0, Math.floor(zip.length / 2)));
    // Central directory entries (signature 0x02014b50): the CRC-32 is at +16, the name at +46.
    for (let at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at - 1)) {
      const nameLength = zip.readUInt16LE(at + 28);
      if (zip.toString("utf8", at + 46, at + 46 + nameLength) === dataName) zip.writeUInt32LE((zip.readUInt32LE(at + 16) ^ 0x5a5a5a5a) >>> 0, at + 16);
    }
    out.end(zip);
  });
  return out;
}

function citations(w: World, records: Uint32Array): string {
  const counts = new Map<number, number>();
  for (const i of records) counts.set(w.cols.resource[i], (counts.get(w.cols.resource[i]) ?? 0) + 1);
  const rows = [...counts].map(([r, n]) => {
    const res = DATA_RESOURCES[r];
    return [res.uid, res.name, "", `${res.name} (accessed through the ALA simulator)`, res.license ?? "", "", "", "", "", String(n)];
  });
  const header = ["UID", "Name", "DOI", "Citation", "Rights", "More Information", "Data generalisations", "Information withheld", "Download limit", "Number of Records in Download"];
  return [header, ...rows].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n") + "\n";
}

function headings(columns: string[]): string {
  return ["Column name,Requested field,DwC Name,Field name,Field description", ...columns.map((c) => `${c},${c},${c},${c},`)].join("\n") + "\n";
}

function readme(d: Download): string {
  return `<html><body><h1>ALA simulator occurrence download</h1><p>Search: <a href="${d.searchUrl}">${d.searchUrl}</a></p><p>Records: ${d.records.length}</p></body></html>\n`;
}
