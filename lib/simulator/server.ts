import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { handleControl } from "./control";
import { field } from "./fields";
import { DownloadError, type DownloadRequest, type Downloads } from "./downloads";
import type { FaultMode, Faults } from "./faults";
import { readBody, sendJson, sendText, springError } from "./http-util";
import { qualityFilters } from "./quality";
import { QueryError } from "./query";
import { answerImages, PIXEL } from "./images";
import { fullRecord, searchRecord } from "./record";
import type { RequestLog } from "./requests";
import { SearchEngine, sortKey, type FacetOptions } from "./search";
import { ASSERTION_KINDS } from "./vocab";
import type { World } from "./world";

/**
 * The ALA biocache and images endpoints Edgar uses, on one node:http handler, with fault injection
 * in front and the control API beside. Paths also work under the legacy `/ws` prefix.
 */

/** The biocache caps pageSize; asking for more silently gets this many. */
export const MAX_PAGE_SIZE = 1000;
/** `page.depth.max` of biocache-service's OccurrenceController: search reaches the first 5 000 records only. */
export const PAGE_DEPTH_MAX = 5000;
const DEFAULT_FLIMIT = 30;

export interface SimulatorContext {
  world: World;
  engine: SearchEngine;
  faults: Faults;
  /** Base URL the server is reachable at (for image URLs in answers). */
  baseUrl: () => string;
  /** Responses held open by the hang fault, ended on close. */
  hung: Set<ServerResponse>;
  requests: RequestLog;
  downloads: Downloads;
  /** Search answers stop at this depth (startIndex + pageSize); 0 turns the cap off. */
  pageDepthMax: number;
  /**
   * Records added to a species' count in species-id facets, beyond its real records: an index
   * that counts what it cannot return, for testing that a sync refuses to succeed on it.
   */
  countSkew: Map<string, number>;
}

class BadRequest extends Error {}

function int(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw new BadRequest(`Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'; For input string: "${raw}"`);
  return Number(raw);
}

export function createHandler(ctx: SimulatorContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, springError(500, "Internal Server Error", String(error), req.url ?? ""));
      else res.destroy();
    });
  };
}

async function handle(ctx: SimulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://simulator");
  let path = url.pathname.replace(/\/+$/, "") || "/";
  if (path.startsWith("/__control")) return handleControl(ctx, req, res, path, url);
  if (/^\/ws\/(occurrences?|assertions)\b/.test(path)) path = path.slice(3);
  ctx.requests.count(path);

  const fault = ctx.faults.draw(path);
  if (fault && (await injectBefore(ctx, fault, res, path))) return;
  const transform = fault === "truncate" || fault === "invalidJson" ? fault : null;
  const send = (status: number, body: unknown) => {
    if (!transform || status !== 200) return sendJson(res, status, body);
    ctx.faults.record(transform);
    const text = JSON.stringify(body);
    // A truncated body ends cleanly (no transport error): only parsing it can tell.
    const broken =
      transform === "truncate" ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text.includes(":") ? text.replace(/:/, ":,") : `${text},`;
    sendText(res, 200, broken, "application/json;charset=UTF-8");
  };

  const post = req.method === "POST" && path === "/occurrences/offline/download";
  if (req.method !== "GET" && req.method !== "HEAD" && !post) {
    return sendJson(res, 405, springError(405, "Method Not Allowed", `Request method '${req.method}' not supported`, path));
  }
  try {
    const p = url.searchParams;
    let m: RegExpExecArray | null;
    if (path === "/occurrences/offline/download") return send(200, ctx.downloads.request(downloadRequest(await downloadParams(req, p))));
    if ((m = /^\/occurrences\/offline\/status\/([^/]+)$/.exec(path))) return send(200, ctx.downloads.status(decodeURIComponent(m[1])));
    if ((m = /^\/occurrences\/offline\/cancel\/([^/]+)$/.exec(path))) {
      const cancelled = ctx.downloads.cancel(decodeURIComponent(m[1]));
      // Spring answers a null @ResponseBody with an empty 200.
      return cancelled ? send(200, cancelled) : sendText(res, 200, "", "application/json");
    }
    if (path.startsWith("/biocache-download/")) {
      const zip = ctx.downloads.zip(decodeURIComponent(path.slice("/biocache-download/".length)));
      if (!zip) return sendText(res, 404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html");
      res.writeHead(200, { "content-type": "application/zip" });
      zip.on("error", () => res.destroy());
      return void zip.pipe(res);
    }
    if (path === "/occurrences/search") return send(200, search(ctx, p, fault === "shortPage"));
    if (path === "/occurrences/facets") return send(200, facets(ctx, p));
    if (path === "/occurrence/deleted") return send(200, deleted(ctx, p));
    if ((m = /^\/occurrence\/([^/]+)$/.exec(path))) {
      const i = ctx.world.recordIndex(decodeURIComponent(m[1]));
      if (i < 0) return sendJson(res, 404, springError(404, "Not Found", `Unrecognised UID: ${m[1]}`, path));
      return send(200, fullRecord(ctx.world, i, ctx.baseUrl()));
    }
    if (path === "/assertions/codes") return send(200, assertionCodes());
    const image = answerImages(ctx.world, path, p, ctx.baseUrl());
    if (image && "png" in image) {
      res.writeHead(image.status, { "content-type": "image/png", "content-length": String(PIXEL.length) });
      return void res.end(PIXEL);
    }
    if (image) return image.status === 200 ? send(200, image.json) : sendJson(res, image.status, image.json);
    return sendJson(res, 404, springError(404, "Not Found", "No message available", path));
  } catch (error) {
    if (error instanceof DownloadError) return sendJson(res, error.status, springError(error.status, STATUS_CODES[error.status] ?? "Error", error.message, path));
    if (error instanceof QueryError || error instanceof BadRequest) {
      return sendJson(res, 400, springError(400, "Bad Request", error.message, path));
    }
    throw error;
  }
}

/** Faults that replace or delay the answer. Returns true when the request is fully handled. */
async function injectBefore(ctx: SimulatorContext, fault: FaultMode, res: ServerResponse, path: string): Promise<boolean> {
  const f = ctx.faults;
  switch (fault) {
    case "500":
      f.record(fault);
      sendJson(res, 500, springError(500, "Internal Server Error", "org.apache.solr.client.solrj.SolrServerException: Timeout occurred while waiting response from server", path));
      return true;
    case "502":
      f.record(fault);
      sendText(res, 502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>", "text/html");
      return true;
    case "503":
      f.record(fault);
      sendText(res, 503, "<html><body><h1>503 Service Unavailable</h1>The server is temporarily unable to service your request.</body></html>", "text/html");
      return true;
    case "429":
      f.record(fault);
      sendJson(res, 429, { message: "Too Many Requests" }, { "retry-after": String(f.retryAfterSeconds) });
      return true;
    case "hang":
      f.record(fault);
      ctx.hung.add(res);
      res.on("close", () => ctx.hung.delete(res));
      return true;
    case "slow":
      f.record(fault);
      await new Promise((r) => setTimeout(r, f.delayMs));
      return false;
    default:
      return false;
  }
}

function search(ctx: SimulatorContext, p: URLSearchParams, shortPage: boolean) {
  const { world, engine } = ctx;
  const requested = int(p, "pageSize", 10);
  if (requested < 0) throw new BadRequest("pageSize must not be negative");
  let pageSize = Math.min(requested, MAX_PAGE_SIZE);
  let startIndex = Math.max(0, int(p, "startIndex", int(p, "start", 0)));
  // OccurrenceController.occurrenceSearch: "quietly limit page depth (start + pageSize) to the first pageDepthMax records".
  const depth = ctx.pageDepthMax;
  if (depth > 0 && startIndex >= depth) {
    startIndex = 0;
    pageSize = 0;
  } else if (depth > 0 && startIndex + pageSize >= depth) {
    pageSize = depth - startIndex;
  }
  const sort = p.get("sort") || "score";
  const dir = (p.get("dir") || "asc").toLowerCase() === "desc" ? "desc" : "asc";
  const key = sortKey(sort, dir === "desc");
  const query = queryOf(p);
  const records = engine.run(query, key);
  const total = records.length;
  // Field sorts are built for their direction; the index orders are walked backwards for desc.
  const reverse = dir === "desc" && key.by !== "field";
  const page: number[] = [];
  for (let k = 0; k < pageSize && startIndex + k < total; k++) {
    const pos = startIndex + k;
    page.push(records[reverse ? total - 1 - pos : pos]);
  }
  // Records silently missing from the page (a middle page or the last one); totalRecords still
  // says how many there should be, which is how a client can tell.
  if (page.length > 1) ctx.faults.opportunity("shortPage");
  if (shortPage && page.length > 1) {
    page.length = Math.ceil(page.length / 2);
    ctx.faults.record("shortPage");
  }
  const im = p.get("im") === "true";
  const keep = fieldList(p.get("fl"));
  const base = ctx.baseUrl();
  const occurrences = page.map((i) => {
    const r = searchRecord(world, i, base, im);
    return keep ? Object.fromEntries(Object.entries(r).filter(([k]) => keep.has(k) || (im && k === "imageMetadata"))) : r;
  });
  const facetNames = p.get("facet") === "off" ? [] : facetList(p);
  const qs = [...p.entries()].filter(([k]) => k === "q" || k === "fq").map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  return {
    pageSize,
    startIndex,
    totalRecords: total,
    sort,
    dir,
    status: "OK",
    occurrences,
    facetResults: facetNames.length ? engine.facets(query, facetNames, facetOptions(p)) : [],
    query: `?${qs}`,
    urlParameters: `?${qs}`,
    queryTitle: query.q && query.q !== "*:*" ? query.q : "all records",
    activeFacetMap: Object.fromEntries(
      p.getAll("fq").map((fq) => {
        const name = fq.replace(/^-/, "").split(":")[0];
        return [name, { name, displayName: fq, value: fq.slice(fq.indexOf(":") + 1) }];
      }),
    ),
    activeFacetObj: Object.fromEntries(
      p.getAll("fq").map((fq) => {
        const name = fq.replace(/^-/, "").split(":")[0];
        return [name, [{ name, displayName: fq, value: fq }]];
      }),
    ),
  };
}

/** q and fq, plus the filters of a requested data quality profile. */
function queryOf(p: URLSearchParams) {
  return { q: p.get("q") ?? undefined, fq: [...p.getAll("fq"), ...qualityFilters(p)] };
}

/** JSON keys to keep for `fl` (index names, either style), or null for all. Unknown names are ignored, as Solr does. */
function fieldList(fl: string | null): Set<string> | null {
  if (!fl) return null;
  const keys = new Set<string>();
  for (const name of fl.split(",").map((s) => s.trim())) for (const k of field(name)?.json ?? []) keys.add(k);
  return keys;
}

function facetList(p: URLSearchParams): string[] {
  return p.getAll("facets").flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
}

function facetOptions(p: URLSearchParams): FacetOptions {
  const fsort = p.get("fsort");
  return {
    limit: int(p, "flimit", DEFAULT_FLIMIT),
    offset: Math.max(0, int(p, "foffset", 0)),
    sort: fsort === "index" ? "index" : "count",
    prefix: p.get("fprefix") || undefined,
  };
}

function facets(ctx: SimulatorContext, p: URLSearchParams) {
  const names = facetList(p);
  if (!names.length) throw new BadRequest("Required request parameter 'facets' is not present");
  const answer = ctx.engine.facets(queryOf(p), names, facetOptions(p));
  if (!ctx.countSkew.size) return answer;
  return answer.map((f) =>
    field(f.fieldName)?.names[0] !== "speciesID"
      ? f
      : { ...f, fieldResult: f.fieldResult.map((r) => ({ ...r, count: r.count + (ctx.countSkew.get(r.label) ?? 0) })) },
  );
}

function deleted(ctx: SimulatorContext, p: URLSearchParams): string[] {
  const date = p.get("date") ?? "";
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new BadRequest(`date must be yyyy-MM-dd, got '${date}'`);
  return ctx.world.deletedSince(ms);
}

/** The current codes, then the legacy camelCase ones marked deprecated with their new name. */
function assertionCodes() {
  const entry = (name: string, k: (typeof ASSERTION_KINDS)[number]) => ({
    name,
    code: k.code,
    fatal: k.fatal,
    category: k.category,
    description: k.description,
    termsRequiredToTest: [] as string[],
  });
  return [
    ...ASSERTION_KINDS.filter((k) => k.current).map((k) => ({ ...entry(k.current!, k), deprecated: false })),
    ...ASSERTION_KINDS.filter((k) => k.legacy).map((k) => ({ ...entry(k.legacy!, k), deprecated: true, ...(k.current ? { newName: k.current } : {}) })),
  ].sort((a, b) => a.code - b.code);
}

/** The download request's parameters: a JSON body alone, or the query string plus a form body (Spring's binding). */
async function downloadParams(req: IncomingMessage, query: URLSearchParams): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (req.method !== "POST") return query;
  const text = await readBody(req);
  if (!type.includes("application/json")) return new URLSearchParams([...query, ...new URLSearchParams(text)]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRequest("JSON parse error: the request body is not JSON");
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new BadRequest("JSON parse error: expected an object");
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(json)) for (const x of Array.isArray(v) ? v : [v]) if (x !== null && x !== undefined) params.append(k, String(x));
  return params;
}

function downloadRequest(p: URLSearchParams): DownloadRequest {
  int(p, "reasonTypeId", 0);
  int(p, "sourceTypeId", 0);
  return {
    q: p.get("q") ?? undefined,
    fq: p.getAll("fq"),
    profileFq: qualityFilters(p),
    email: p.get("email") ?? "",
    fields: p.get("fields") ?? "",
    qa: p.get("qa") ?? "all",
    dwcHeaders: p.get("dwcHeaders") === "true",
    fileType: p.get("fileType") ?? "csv",
    file: p.get("file") || "data",
  };
}
