/**
 * The GBIF simulator's HTTP answers: the occurrence download API (`/v1/occurrence/download/...`,
 * as gbif/occurrence's occurrence-ws DownloadResource serves it: POST `request` with HTTP Basic
 * auth and a JSON PredicateDownloadRequest → 201 and the key as text; GET `{key}` → the Download
 * JSON; GET `request/{key}.zip` → a redirect to the file) and its control API (`/__control/...`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendJson, sendText } from "../http-util";
import type { GbifData } from "./data";
import { GBIF_DOWNLOAD_FAULTS, type GbifDownloads } from "./downloads";
import { predicateSchema, PredicateError } from "./predicate";
import { taxonByName } from "./taxa";

export interface GbifContext {
  data: GbifData;
  downloads: GbifDownloads;
  /** username → password of the accounts the simulator accepts. */
  users: Map<string, string>;
  /** The next this many status polls answer a 5xx (503 HTML from the gateway, then 500 JSON, alternately). */
  pollFailures: { remaining: number; served: number };
  requests: Record<"request" | "status" | "zip" | "other", number>;
}

const requestSchema = z.object({
  creator: z.string().optional(),
  notificationAddresses: z.array(z.string()).optional(),
  sendNotification: z.boolean().optional(),
  format: z.string().optional(),
  type: z.string().optional(),
  description: z.string().nullable().optional(),
  machineDescription: z.unknown().optional(),
  verbatimExtensions: z.array(z.string()).optional(),
  predicate: predicateSchema,
});

function user(req: IncomingMessage, users: Map<string, string>): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? "");
  if (!m) return null;
  const text = Buffer.from(m[1], "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  const name = text.slice(0, colon);
  return users.get(name) === text.slice(colon + 1) ? name : null;
}

const error = (res: ServerResponse, status: number, code: string, message: string) => sendJson(res, status, { error: code, message });

async function requestDownload(ctx: GbifContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = user(req, ctx.users);
  if (!name) return sendText(res, 401, "Unauthorized", "text/plain", { "www-authenticate": 'Basic realm="GBIF"' });
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendText(res, 400, "The request body is not JSON", "text/plain");
  }
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) return sendText(res, 400, `Invalid download request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, "text/plain");
  const format = parsed.data.format ?? "SIMPLE_CSV";
  if (format !== "SIMPLE_CSV" && format !== "DWCA") return sendText(res, 400, `The simulator serves SIMPLE_CSV and DWCA downloads, not ${format}`, "text/plain");
  try {
    const key = ctx.downloads.request({
      predicate: parsed.data.predicate,
      // GBIF records the authenticated user as the creator.
      creator: name,
      format,
      sendNotification: parsed.data.sendNotification ?? true,
      notificationAddresses: parsed.data.notificationAddresses ?? [],
      description: parsed.data.description ?? null,
    });
    sendText(res, 201, key, "text/plain");
  } catch (e) {
    if (e instanceof PredicateError) return sendText(res, 400, e.message, "text/plain");
    throw e;
  }
}

const count = z.object({ count: z.number().int().min(1).max(1_000_000), species: z.string().min(1).optional() }).strict();
const downloadsBody = z
  .object({
    preparingMs: z.number().int().min(0).optional(),
    runningMs: z.number().int().min(0).optional(),
    faults: z.array(z.object({ mode: z.enum(GBIF_DOWNLOAD_FAULTS), count: z.number().int().min(1).default(1) }).strict()).optional(),
    clearFaults: z.boolean().optional(),
    pollFailures: z.number().int().min(0).optional(),
  })
  .strict();
const userBody = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();

/** The ground truth: every live record, as the download would give it, and counts. */
export function truth(data: GbifData) {
  const records = data.list();
  const bySpecies: Record<string, number> = {};
  for (const r of records) bySpecies[r.taxon.species] = (bySpecies[r.taxon.species] ?? 0) + 1;
  return {
    totalRecords: records.length,
    birds: records.filter((r) => r.taxon.class === "Aves").length,
    sharedWithAla: records.filter((r) => r.alaUuid).length,
    bySpecies,
    records: records.map((r) => ({ gbifID: r.gbifID, occurrenceID: r.occurrenceID, species: r.taxon.species, class: r.taxon.class, basisOfRecord: r.basisOfRecord, decimalLatitude: r.decimalLatitude, decimalLongitude: r.decimalLongitude, eventDate: r.eventDate, lastInterpreted: new Date(r.lastInterpreted).toISOString(), alaUuid: r.alaUuid })),
  };
}

async function control(ctx: GbifContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? "GET";
  const json = async <T>(schema: z.ZodType<T>): Promise<T | null> => {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || "{}");
    } catch {
      error(res, 400, "invalid_json", "The body is not JSON.");
      return null;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      error(res, 400, "invalid_body", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
      return null;
    }
    return parsed.data;
  };
  if (method === "GET" && path === "/__control/") return sendJson(res, 200, { records: ctx.data.records.size, seed: ctx.data.seed, users: [...ctx.users.keys()], pollFailures: ctx.pollFailures.remaining });
  if (method === "GET" && path === "/__control/truth") return sendJson(res, 200, truth(ctx.data));
  if (method === "POST" && /^\/__control\/records\/(add|update|delete)$/.test(path)) {
    const body = await json(count);
    if (!body) return;
    const op = path.slice("/__control/records/".length);
    if (op === "add") {
      const taxon = body.species ? taxonByName(body.species) : undefined;
      if (body.species && !taxon) return error(res, 404, "not_found", `No species named ${body.species}.`);
      return sendJson(res, 200, { gbifIDs: ctx.data.add(body.count, taxon) });
    }
    return sendJson(res, 200, { gbifIDs: op === "update" ? ctx.data.update(body.count) : ctx.data.delete(body.count) });
  }
  if (method === "GET" && path === "/__control/downloads") return sendJson(res, 200, { ...ctx.downloads.state(), pollFailures: ctx.pollFailures.remaining });
  if (method === "POST" && path === "/__control/downloads") {
    const body = await json(downloadsBody);
    if (!body) return;
    if (body.preparingMs !== undefined) ctx.downloads.settings.preparingMs = body.preparingMs;
    if (body.runningMs !== undefined) ctx.downloads.settings.runningMs = body.runningMs;
    if (body.clearFaults) ctx.downloads.clearFaults();
    for (const f of body.faults ?? []) ctx.downloads.addFault(f.mode, f.count);
    if (body.pollFailures !== undefined) ctx.pollFailures.remaining = body.pollFailures;
    return sendJson(res, 200, { ...ctx.downloads.state(), pollFailures: ctx.pollFailures.remaining });
  }
  if (method === "POST" && path === "/__control/users") {
    const body = await json(userBody);
    if (!body) return;
    ctx.users.set(body.username, body.password);
    return sendJson(res, 200, { users: [...ctx.users.keys()] });
  }
  if (path === "/__control/requests") {
    if (method === "DELETE") for (const k of Object.keys(ctx.requests) as (keyof GbifContext["requests"])[]) ctx.requests[k] = 0;
    return sendJson(res, 200, ctx.requests);
  }
  error(res, 404, "not_found", `No control endpoint ${method} ${path}.`);
}

export function createGbifHandler(ctx: GbifContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    try {
      if (path.startsWith("/__control/")) return await control(ctx, req, res, path);
      if (req.method === "POST" && path === "/v1/occurrence/download/request") {
        ctx.requests.request++;
        return await requestDownload(ctx, req, res);
      }
      const zip = /^\/v1\/occurrence\/download\/request\/([\w-]+)\.zip$/.exec(path);
      if (req.method === "GET" && zip) {
        ctx.requests.zip++;
        // GBIF's API redirects to the file server.
        res.writeHead(302, { location: `/files/${zip[1]}.zip` });
        return void res.end();
      }
      const file = /^\/files\/([\w-]+)\.zip$/.exec(path);
      if (req.method === "GET" && file) {
        const stream = ctx.downloads.zip(file[1]);
        if (!stream) return sendText(res, 404, "Not Found", "text/plain");
        res.writeHead(200, { "content-type": "application/zip" });
        stream.pipe(res);
        return;
      }
      const status = /^\/v1\/occurrence\/download\/([\w-]+)$/.exec(path);
      if (req.method === "GET" && status) {
        ctx.requests.status++;
        if (ctx.pollFailures.remaining > 0) {
          ctx.pollFailures.remaining--;
          return ctx.pollFailures.served++ % 2 === 0
            ? sendText(res, 503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html")
            : sendJson(res, 500, { code: 500, message: "Internal Server Error" });
        }
        const body = ctx.downloads.status(status[1]);
        return body ? sendJson(res, 200, body) : sendText(res, 404, "Not Found", "text/plain");
      }
      ctx.requests.other++;
      sendText(res, 404, "Not Found", "text/plain");
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: "internal", message: (e as Error).message });
      else res.destroy();
    }
  };
}
