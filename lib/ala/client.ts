/**
 * The ALA web-service client the sync uses: every request has a timeout and is retried with
 * exponential back-off (the original importer: 10 s base, doubled, 5 retries; config
 * SYNC_RETRY_BASE_MS / SYNC_RETRIES). When retries run out it throws AlaRequestError, which the
 * sync stores for the admin.
 */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { ZodError } from "zod";
import { log as defaultLogger, type Logger } from "@/lib/log";
import { alaFields, fqEquals, type AlaFields, type FieldStyle } from "./fields";
import {
  assertionCodesSchema,
  deletedSchema,
  describeZodError,
  downloadStatusSchema,
  facetsSchema,
  flattenFullRecord,
  fullRecordSchema,
  imageMetadataSchema,
  parseRecord,
  parseSearchPage,
  type AlaRecord,
  type AssertionCodes,
  type DownloadStatus,
  type ImageMetadata,
  type SearchPage,
} from "./schemas";

export interface AlaClientOptions {
  biocacheUrl: string;
  imagesUrl: string;
  /** Retries after the first attempt (so at most retries + 1 requests). */
  retries: number;
  retryBaseMs: number;
  timeoutMs: number;
  fieldStyle?: FieldStyle;
  logger?: Pick<Logger, "warn">;
  onRetry?: (info: RetryInfo) => void;
  /** Upper bound of a server's Retry-After; default 5 minutes. */
  maxRetryAfterMs?: number;
}

export interface RetryInfo {
  url: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  delayMs: number;
  status: number | null;
  reason: string;
}

/** A request that failed for good: after its retries, or at once for a 4xx. */
export class AlaRequestError extends Error {
  readonly url: string;
  readonly status: number | null;
  readonly attempts: number;

  constructor(message: string, details: { url: string; status: number | null; attempts: number; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = "AlaRequestError";
    this.url = details.url;
    this.status = details.status;
    this.attempts = details.attempts;
  }

  /** What the sync stores (sync_runs.error_detail). */
  toJSON() {
    const cause = this.cause instanceof Error ? this.cause.message : this.cause === undefined ? undefined : String(this.cause);
    return { url: this.url, status: this.status, attempts: this.attempts, message: this.message, cause };
  }
}

/** A file's transfer stopped by its caller (fetchFile's `stop`), not failed. */
export class FetchStopped extends Error {
  override name = "FetchStopped";
  constructor(url: string) {
    super(`the transfer of ${url} was stopped`);
  }
}

export interface SearchParams {
  q?: string;
  fq?: readonly string[];
  pageSize: number;
  startIndex?: number;
  sort?: string;
  dir?: "asc" | "desc";
  /** Field list; leave unset for full records. */
  fl?: string;
}

export interface FacetParams {
  q?: string;
  fq?: readonly string[];
  facet: string;
  /** -1 for all values. */
  flimit?: number;
  foffset?: number;
}

export interface FacetValue {
  label: string;
  count: number;
}

export interface SpeciesInfo {
  guid: string;
  /** Records of the species (birds only, plus any extra filters). */
  count: number;
  scientificName: string | null;
  commonName: string | null;
}

export interface SpeciesListOptions {
  /** Extra filters (e.g. a since-date or one species). */
  fq?: readonly string[];
  /** Facet page size. */
  pageLimit?: number;
  /** Which species to look names up for (one request each); default all. */
  namesFor?: (guid: string) => boolean;
  /** Name look-ups under way at once. */
  concurrency?: number;
}

/** An offline download request (docs/ala-api.md, "Bulk records"). */
export interface DownloadParams {
  q?: string;
  fq: readonly string[];
  /** The registered ALA account the download is made for. */
  email: string;
  /** Logger reason id. */
  reasonTypeId: number;
  /** Comma list of index fields. */
  fields: string;
}

export type OccurrenceResult = { ok: true; record: AlaRecord } | { ok: false; reason: string };

/** Thrown inside an attempt: `retriable` decides whether another attempt is made. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** Retry-After as seconds or an HTTP-date → milliseconds from now (null when absent or unreadable). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");

function withParams(base: string, params: [string, string | number | undefined][]): string {
  const url = new URL(base);
  for (const [k, v] of params) if (v !== undefined) url.searchParams.append(k, String(v));
  return url.toString();
}

/**
 * Every record, whatever its quality: a deployment may apply a data quality profile by default
 * (biocache `dataquality.blankProfileIsDefault`), which would hide the very records Edgar rates.
 */
const NO_QUALITY_PROFILE: [string, string][] = [["disableAllQualityFilters", "true"]];

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function createAlaClient(options: AlaClientOptions) {
  const biocache = trimSlash(options.biocacheUrl);
  const images = trimSlash(options.imagesUrl);
  const fields: AlaFields = alaFields(options.fieldStyle ?? "current");
  const logger = options.logger ?? defaultLogger;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;

  /** One attempt: status, body and answer checks; throws AttemptError. Returns null for a 404 when allowed. */
  async function attempt<T>(url: string, parse: (json: unknown) => T, check?: (value: T) => string | null, allow404 = false, init?: RequestInit): Promise<T | null> {
    let response: Response;
    let text: string;
    try {
      // The signal covers the body too, so a server that stalls mid-answer also times out.
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs), headers: { accept: "application/json", ...init?.headers } });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      const reason = timedOut ? `timed out after ${options.timeoutMs} ms` : `network error: ${error instanceof Error ? error.message : String(error)}`;
      throw new AttemptError(reason, true, null, null, error);
    }
    const status = response.status;
    if (status === 404 && allow404) return null;
    if (status === 429 || status >= 500) {
      throw new AttemptError(`HTTP ${status}`, true, status, parseRetryAfter(response.headers.get("retry-after")));
    }
    if (!response.ok) {
      throw new AttemptError(`HTTP ${status}: ${text.slice(0, 300)}`, false, status);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // Truncated or otherwise broken JSON: a proxy or the service hiccupped.
      throw new AttemptError(`invalid JSON (${text.length} bytes)`, true, status, null, error);
    }
    let value: T;
    try {
      value = parse(json);
    } catch (error) {
      const detail = error instanceof ZodError ? describeZodError(error) : String(error);
      throw new AttemptError(`unexpected answer: ${detail.slice(0, 300)}`, true, status, null, error);
    }
    const problem = check?.(value);
    if (problem) throw new AttemptError(problem, true, status);
    return value;
  }

  async function request<T>(url: string, parse: (json: unknown) => T, check?: (value: T) => string | null, allow404 = false, init?: RequestInit): Promise<T | null> {
    return retrying(url, () => attempt(url, parse, check, allow404, init));
  }

  /** Runs one attempt after another with the back-off until one succeeds or retries run out. */
  /** `stop` (a file's transfer only) ends the retries: a back-off is cut short, and no failure is retried. */
  async function retrying<T>(url: string, once: () => Promise<T>, stop?: AbortSignal): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await once();
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        if (stop?.aborted) throw new FetchStopped(url);
        const attempts = n + 1;
        if (!error.retriable || n >= options.retries) {
          const why = error.retriable ? `failed after ${attempts} attempts` : "failed";
          throw new AlaRequestError(`ALA request ${why}: ${error.message} (${url})`, {
            url,
            status: error.status,
            attempts,
            cause: error.cause ?? error,
          });
        }
        const backoff = options.retryBaseMs * 2 ** n;
        const delayMs = Math.max(backoff, Math.min(error.retryAfterMs ?? 0, maxRetryAfterMs));
        const info: RetryInfo = { url, attempt: attempts, delayMs, status: error.status, reason: error.message };
        logger.warn(info, "ALA request failed; retrying");
        options.onRetry?.(info);
        await sleep(delayMs, undefined, { signal: stop }).catch(() => undefined);
      }
    }
  }

  async function get<T>(url: string, parse: (json: unknown) => T, check?: (value: T) => string | null): Promise<T> {
    return (await request(url, parse, check)) as T;
  }

  function searchUrl(p: SearchParams): string {
    return withParams(`${biocache}/occurrences/search`, [
      ["q", p.q ?? "*:*"],
      ...(p.fq ?? []).map((fq): [string, string] => ["fq", fq]),
      ["pageSize", p.pageSize],
      ["startIndex", p.startIndex ?? 0],
      ["sort", p.sort],
      ["dir", p.dir],
      ["fl", p.fl],
      ["facet", "off"],
      ...NO_QUALITY_PROFILE,
    ]);
  }

  /** Fewer records than the page should hold, while not at the end: the service dropped some. */
  function shortPage(p: SearchParams) {
    return (page: SearchPage): string | null => {
      const size = page.pageSize > 0 ? Math.min(p.pageSize, page.pageSize) : p.pageSize;
      const expected = Math.max(0, Math.min(size, page.totalRecords - (p.startIndex ?? 0)));
      return page.received < expected ? `short page: ${page.received} of ${expected} records` : null;
    };
  }

  const client = {
    fields,

    /** One page of records, as answered. */
    searchPage(p: SearchParams): Promise<SearchPage> {
      return get(searchUrl(p), parseSearchPage);
    },

    /** One page of records, re-requested (with back-off) while it is short. What the sync should use. */
    searchPageComplete(p: SearchParams): Promise<SearchPage> {
      return get(searchUrl(p), parseSearchPage, shortPage(p));
    },

    /** Values and counts of one facet; empty labels (records without a value) included as "". */
    async facet(p: FacetParams): Promise<FacetValue[]> {
      const url = withParams(`${biocache}/occurrences/facets`, [
        ["q", p.q ?? "*:*"],
        ...(p.fq ?? []).map((fq): [string, string] => ["fq", fq]),
        ["facets", p.facet],
        ["flimit", p.flimit ?? -1],
        ["foffset", p.foffset ?? 0],
        ...NO_QUALITY_PROFILE,
      ]);
      const answer = await get(url, (json) => facetsSchema.parse(json));
      // An empty array means no record has the field.
      const result = answer.find((f) => f.fieldName === p.facet) ?? answer[0];
      return (result?.fieldResult ?? []).map(({ label, count }) => ({ label, count }));
    },

    /**
     * Every bird species with its record count: the species-id facet under the bird filter,
     * paged with flimit/foffset. The facet gives ids only, so names come from one record of each
     * species (a pageSize=1 search): its `species` (the accepted species name) and
     * `vernacularName` (the record's common name — for a record identified to subspecies that
     * is the subspecies' name).
     */
    async speciesList(o: SpeciesListOptions = {}): Promise<SpeciesInfo[]> {
      const pageLimit = o.pageLimit ?? 1000;
      const fq = [fields.birdFilter, ...(o.fq ?? [])];
      const facets: FacetValue[] = [];
      for (let offset = 0; ; offset += pageLimit) {
        const page = await client.facet({ fq, facet: fields.speciesId, flimit: pageLimit, foffset: offset });
        facets.push(...page);
        if (page.length < pageLimit) break;
      }
      const species: SpeciesInfo[] = facets
        .filter((f) => f.label.trim() !== "")
        .map((f) => ({ guid: f.label, count: f.count, scientificName: null, commonName: null }));

      const wanted = species.filter((s) => o.namesFor?.(s.guid) ?? true);
      let next = 0;
      let failed = false;
      const worker = async () => {
        while (!failed && next < wanted.length) {
          const s = wanted[next++];
          const page = await client
            .searchPage({ fq: [...fq, fqEquals(fields.speciesId, s.guid)], pageSize: 1 })
            .catch((error: unknown) => {
              failed = true; // the other workers stop instead of hammering a failing service
              throw error;
            });
          const r = page.records[0];
          s.scientificName = r?.species ?? r?.scientificName ?? null;
          s.commonName = r?.vernacularName ?? null;
        }
      };
      await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, wanted.length) }, worker));
      return species;
    },

    /** One record (full record reshaped like a search result); null when the ALA has no such record. */
    async occurrence(uuid: string): Promise<OccurrenceResult | null> {
      const full = await request(`${biocache}/occurrence/${encodeURIComponent(uuid)}`, (json) => fullRecordSchema.parse(json), undefined, true);
      if (!full || (!full.processed && !full.raw)) return null;
      const parsed = parseRecord(flattenFullRecord(full));
      return parsed.ok ? { ok: true, record: parsed.record } : { ok: false, reason: parsed.reason };
    },

    /** uuids deleted since that day (inclusive). The current service answers []: reconcile too. */
    deleted(since: Date): Promise<string[]> {
      return get(withParams(`${biocache}/occurrence/deleted`, [["date", isoDay(since)]]), (json) => deletedSchema.parse(json));
    },

    /** Image metadata from the images service; null when it has no such image. */
    image(imageId: string): Promise<ImageMetadata | null> {
      return request(`${images}/ws/image/${encodeURIComponent(imageId)}`, (json) => imageMetadataSchema.parse(json), undefined, true);
    },

    /**
     * Asks the offline download service for a download (a form POST: a request naming many
     * species would not fit in a URL). Answers its first status. A 400 ("No valid email") fails
     * at once.
     */
    async requestDownload(p: DownloadParams): Promise<DownloadStatus> {
      const body = new URLSearchParams([
        ["q", p.q ?? "*:*"],
        ...p.fq.map((fq): [string, string] => ["fq", fq]),
        ["email", p.email],
        ["reasonTypeId", String(p.reasonTypeId)],
        ["fields", p.fields],
        ["qa", "none"],
        ["fileType", "csv"],
        ["dwcHeaders", "true"],
        ["emailNotify", "false"],
        ["facet", "false"],
        ...NO_QUALITY_PROFILE,
      ]);
      const init: RequestInit = { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } };
      return (await request(`${biocache}/occurrences/offline/download`, (json) => downloadStatusSchema.parse(json), undefined, false, init))!;
    },

    /** A download's status; `{}` when the service no longer knows the id. */
    downloadStatus(statusUrl: string): Promise<DownloadStatus> {
      return get(statusUrl, (json) => downloadStatusSchema.parse(json));
    },

    /** Cancels a queued download; best effort (a download that is gone needs no cancelling). */
    async cancelDownload(cancelUrl: string): Promise<void> {
      await fetch(cancelUrl, { signal: AbortSignal.timeout(options.timeoutMs) }).then((r) => r.arrayBuffer()).catch(() => undefined);
    },

    /**
     * Streams a file (a download's zip) to `path`, through `path.part` renamed once whole, so a
     * file at `path` is always complete. Retried like any request; the time-out is per silence,
     * not per file, as a large zip takes long. Answers false for a 404 (the file is gone). `stop`
     * ends the transfer (and its retries) with FetchStopped, leaving no file.
     */
    fetchFile(url: string, path: string, stop?: AbortSignal): Promise<boolean> {
      const part = `${path}.part`;
      return retrying(url, async () => {
        if (stop?.aborted) throw new FetchStopped(url);
        const abort = new AbortController();
        const onStop = () => abort.abort();
        stop?.addEventListener("abort", onStop, { once: true });
        let idle = setTimeout(() => abort.abort(), options.timeoutMs);
        const touch = new Transform({
          transform(chunk, _encoding, done) {
            clearTimeout(idle);
            idle = setTimeout(() => abort.abort(), options.timeoutMs);
            done(null, chunk);
          },
        });
        try {
          let response: Response;
          try {
            response = await fetch(url, { signal: abort.signal });
          } catch (error) {
            throw new AttemptError(abort.signal.aborted ? `no answer for ${options.timeoutMs} ms` : `network error: ${(error as Error).message}`, true, null, null, error);
          }
          if (response.status === 404) {
            await response.body?.cancel();
            return false;
          }
          if (response.status === 429 || response.status >= 500) {
            await response.body?.cancel();
            throw new AttemptError(`HTTP ${response.status}`, true, response.status, parseRetryAfter(response.headers.get("retry-after")));
          }
          if (!response.ok || !response.body) throw new AttemptError(`HTTP ${response.status}`, false, response.status);
          try {
            await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), touch, createWriteStream(part));
          } catch (error) {
            await rm(part, { force: true });
            const reason = abort.signal.aborted ? `the file stalled for ${options.timeoutMs} ms` : `the transfer broke: ${(error as Error).message}`;
            throw new AttemptError(reason, true, response.status, null, error);
          }
          await rename(part, path);
          return true;
        } finally {
          clearTimeout(idle);
          stop?.removeEventListener("abort", onStop);
        }
      }, stop);
    },

    /** The service's assertion codes with category and fatal flag. */
    assertionCodes(): Promise<AssertionCodes> {
      return get(`${biocache}/assertions/codes`, (json) => assertionCodesSchema.parse(json));
    },
  };
  return client;
}

export type AlaClient = ReturnType<typeof createAlaClient>;
