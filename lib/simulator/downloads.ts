import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, linkSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
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
 *
 * Each user's downloads are written one at a time, in the order asked, as `DownloadService.add`
 * queues them on the user's own single-thread executor (`DownloadRunnable.run` writes the zip to
 * a file); a user with `maxQueued` downloads waiting is refused (`TooManyDownloadRequestsException`,
 * an HTTP 500). So the zip is ready on disk when the status says `finished`, and the simulator's
 * CPU is spent while the download runs, as the ALA's is, not while it is fetched.
 */

export const DOWNLOAD_FAULTS = ["stuck", "gone", "truncatedZip", "crcError", "noDataFile", "missingColumns", "reorderedColumns"] as const;
export type DownloadFault = (typeof DOWNLOAD_FAULTS)[number];

export interface DownloadSettings {
  /** How long a request waits `inQueue` before it runs. */
  queueMs: number;
  /** The fastest a running download advances (it is written as fast as it can, and reported no faster). */
  recordsPerSecond: number;
  /** `download.offline.max.size`: larger requests answer `tooLarge`. */
  maxRecords: number;
  /** Deflate level of the zip (0 stores). */
  compressionLevel: number;
  /** `download.offline.queue.maxsize`: a user's downloads waiting behind the one being written. */
  maxQueued: number;
  /**
   * The bench's, not the ALA's: a download asked again exactly as before, of an unchanged world,
   * gets the zip already written, at once. So a second import can be timed with the making of the
   * zips done elsewhere, as the ALA makes them on its own machines.
   */
  reuseZips: boolean;
}

export const DEFAULT_DOWNLOAD_SETTINGS: DownloadSettings = { queueMs: 200, recordsPerSecond: 2_000_000, maxRecords: 100_000_000, compressionLevel: 1, maxQueued: 50, reuseZips: false };

export const TOO_MANY_DOWNLOADS = "Too many download requests. Wait until other requests finish before making new requests.";

type State = "inQueue" | "running" | "finished" | "tooLarge" | "cancelled";

interface Download {
  id: string;
  /** The user's queue it is in (the email's UUID). */
  user: string;
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
  /** When its user's queue began writing it; null while it waits. */
  startedAt: number | null;
  /** Records written so far. */
  written: number;
  /** The finished zip. */
  zipFile: string | null;
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
  /** Where the zips are written, made at the first one. */
  private folder: string | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Zips written, by what they hold (reuseZips). */
  private readonly zips = new Map<string, string>();

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
    for (const d of this.items.values()) {
      if (d.expired) continue;
      d.expired = true;
      n++;
      if (d.zipFile) rmSync(d.zipFile, { force: true });
    }
    return n;
  }

  /** Stops writing and deletes every zip. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
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
    if (this.waiting(emailKey).length >= this.settings.maxQueued) throw new DownloadError(500, TOO_MANY_DOWNLOADS);
    const d: Download = {
      id,
      user: emailKey,
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
      startedAt: null,
      written: 0,
      zipFile: null,
    };
    this.items.set(id, d);
    this.next(emailKey);
    return this.statusOf(d);
  }

  status(id: string): Record<string, unknown> {
    const big = this.tooLarge.get(id);
    if (big) return { status: "tooLarge", totalRecords: big.totalRecords, error: big.message };
    const d = this.items.get(id);
    if (!d || d.expired) return {};
    // A poll also starts a download whose wait is over (queueMs may have been lowered meanwhile).
    this.next(d.user);
    return this.statusOf(d);
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
    if (!d || d.expired || d.fault === "gone" || !d.zipFile || this.stateOf(d, Date.now()) !== "finished") return null;
    d.zipFetches++;
    const file = createReadStream(d.zipFile);
    const broken = d.fault === "crcError" || (d.fault === "truncatedZip" && d.zipFetches === 1);
    return broken ? corrupted(file, d.fault === "crcError" ? "crc" : "truncate", `${d.file}.${d.fileType}`) : file;
  }

  private takeFault(): DownloadFault | null {
    const next = this.faultQueue.find((f) => f.count > 0);
    if (!next) return null;
    next.count--;
    return next.mode;
  }

  /** The user's downloads not yet begun (a stuck one never begins, and holds no one up). */
  private waiting(user: string): Download[] {
    return [...this.items.values()].filter((d) => d.user === user && d.startedAt === null && !d.cancelled && !d.expired);
  }

  /** Begins the user's next download once nothing of theirs is being written and its wait is over. */
  private next(user: string): void {
    if (this.closed) return;
    const all = [...this.items.values()];
    if (all.some((d) => d.user === user && d.startedAt !== null && d.zipFile === null && !d.expired)) return;
    const d = this.waiting(user).find((x) => x.fault !== "stuck");
    if (!d) return;
    const wait = d.requestedAt + this.settings.queueMs - Date.now();
    if (wait > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.next(user);
      }, wait);
      timer.unref();
      this.timers.add(timer);
      return;
    }
    d.startedAt = Date.now();
    void this.write(d).then(() => this.next(user));
  }

  /**
   * Writes the zip to its file. One that cannot be written (the disk) is forgotten, as an
   * expired one is: its status answers {} and it is asked for again.
   */
  private async write(d: Download): Promise<void> {
    this.folder ??= mkdtempSync(path.join(tmpdir(), "ala-simulator-downloads-"));
    const file = path.join(this.folder, `${d.id}.zip`);
    const key = this.settings.reuseZips && d.fault === null ? this.contentKey(d) : null;
    try {
      const same = key === null ? undefined : this.zips.get(key);
      if (same && existsSync(same)) {
        linkSync(same, file);
        d.written = d.records.length;
      } else {
        await pipeline(this.buildZip(d), createWriteStream(file));
      }
      if (d.expired || this.closed) return void rmSync(file, { force: true });
      d.zipFile = file;
      if (key !== null) this.zips.set(key, file);
    } catch {
      d.expired = true;
      rmSync(file, { force: true });
    }
  }

  /** What a download's zip holds: its records, how they are written, and the world's version. */
  private contentKey(d: Download): string {
    const records = createHash("sha1").update(Buffer.from(d.records.buffer, d.records.byteOffset, d.records.byteLength)).digest("hex");
    return JSON.stringify([this.world.version, records, d.csv, d.file, d.fileType]);
  }

  private stateOf(d: Download, now: number): State {
    if (d.cancelled) return "cancelled";
    const done = this.doneAt(d, now);
    // DownloadController.getQueueStatus: queued until the first record is written.
    if (done === 0 && d.zipFile === null) return "inQueue";
    return d.zipFile !== null && done >= d.records.length ? "finished" : "running";
  }

  /** Records written so far, as reported: no faster than `recordsPerSecond` since it began. */
  private doneAt(d: Download, now: number): number {
    if (d.startedAt === null) return 0;
    const paced = Math.floor(((now - d.startedAt) / 1000) * this.settings.recordsPerSecond);
    return Math.min(d.zipFile === null ? d.written : d.records.length, paced);
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
      // getDownloadsForUserId: the user's downloads in the queue, the one being written included.
      const queued = [...this.items.values()].filter((x) => x.user === d.user && !x.cancelled && !x.expired && x.zipFile === null).length;
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
      const csv = csvStream(w, d.records, columns, d.csv.separator, (n) => (d.written = n));
      zip.addReadStream(csv, `${d.file}.${d.fileType}`, { compressionLevel: level });
    }
    zip.addBuffer(Buffer.from(citations(w, d.records)), "citation.csv", { compressionLevel: level });
    zip.addBuffer(Buffer.from(headings(columns.map((c) => c.heading))), "headings.csv", { compressionLevel: level });
    zip.addBuffer(Buffer.from(readme(d)), "README.html", { compressionLevel: level });
    zip.end();
    // yazl's outputStream is a node stream; its types call it a ReadableStream.
    return zip.outputStream as unknown as Readable;
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
