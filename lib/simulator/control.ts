import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { DOWNLOAD_FAULTS } from "./downloads";
import { FAULT_MODES } from "./faults";
import { readBody, sendJson } from "./http-util";
import type { SimulatorContext } from "./server";
import { BASIS_OF_RECORD } from "./vocab";
import { WorldError } from "./world";

/**
 * The control API (`/__control/...`): change the world between syncs, steer the clock and the
 * faults, and read the ground truth. JSON in and out; errors are `{ error, message }`.
 * Documented in docs/simulator.md.
 */

const guid = z.string().min(1);
const selection = {
  uuids: z.array(z.string()).optional(),
  species: guid.optional(),
  count: z.number().int().min(1).optional(),
};
const refineSelection = (s: { uuids?: string[]; count?: number }) => s.uuids !== undefined || s.count !== undefined;
const SELECTION_MESSAGE = "give uuids or count (optionally with species)";

const nullableNumber = z.number().finite().nullable().optional();

export const schemas = {
  add: z.object({ count: z.number().int().min(1).max(10_000_000), species: guid.optional() }).strict(),
  update: z
    .object({
      ...selection,
      set: z
        .object({
          decimalLatitude: nullableNumber,
          decimalLongitude: nullableNumber,
          coordinateUncertaintyInMeters: nullableNumber,
          year: z.number().int().min(1).max(9999).nullable().optional(),
          month: z.number().int().min(1).max(12).nullable().optional(),
          day: z.number().int().min(1).max(31).nullable().optional(),
          basisOfRecord: z.enum(BASIS_OF_RECORD).optional(),
          assertions: z.array(z.string()).optional(),
          duplicateStatus: z.enum(["U", "R", "D"]).nullable().optional(),
          userAssertion: z.boolean().optional(),
          speciesGuid: guid.optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
    .refine(refineSelection, SELECTION_MESSAGE),
  delete: z.object(selection).strict().refine(refineSelection, SELECTION_MESSAGE),
  split: z
    .object({
      guid,
      fraction: z.number().gt(0).lt(1).optional(),
      newGuid: guid.optional(),
      scientificName: z.string().min(1).optional(),
      vernacularName: z.string().min(1).optional(),
    })
    .strict(),
  merge: z.object({ from: guid, into: guid }).strict(),
  retire: z.object({ guid }).strict(),
  clock: z
    .object({
      now: z.union([z.number(), z.string()]).optional(),
      offsetMs: z.number().finite().optional(),
      advanceMs: z.number().finite().optional(),
      frozen: z.boolean().optional(),
    })
    .strict(),
  faults: z
    .object({
      rules: z
        .array(z.object({ mode: z.enum(FAULT_MODES), rate: z.number().min(0).max(1), paths: z.array(z.string()).optional() }).strict())
        .default([]),
      delayMs: z.number().int().min(0).optional(),
      retryAfterSeconds: z.number().int().min(0).optional(),
      seed: z.number().int().optional(),
      resetCounts: z.boolean().optional(),
    })
    .strict(),
  deletedService: z.object({ enabled: z.boolean() }).strict(),
  search: z.object({ pageDepthMax: z.number().int().min(0) }).strict(),
  countSkew: z.object({ guid, extra: z.number().int() }).strict(),
  downloads: z
    .object({
      queueMs: z.number().int().min(0).optional(),
      recordsPerSecond: z.number().positive().optional(),
      maxRecords: z.number().int().min(0).optional(),
      compressionLevel: z.number().int().min(0).max(9).optional(),
      maxQueued: z.number().int().min(0).optional(),
      reuseZips: z.boolean().optional(),
      faults: z.array(z.object({ mode: z.enum(DOWNLOAD_FAULTS), count: z.number().int().min(1).default(1) }).strict()).optional(),
      clearFaults: z.boolean().optional(),
    })
    .strict(),
};

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function body<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const text = await readBody(req).catch(() => {
    throw new ControlError(413, "too_large", "the request body is over 1 MB");
  });
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ControlError(400, "invalid_json", "the request body is not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ControlError(400, "invalid_body", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  }
  return parsed.data;
}

export async function handleControl(ctx: SimulatorContext, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
  try {
    sendJson(res, 200, await route(ctx, req, path.slice("/__control".length) || "/", url));
  } catch (error) {
    if (error instanceof ControlError) return sendJson(res, error.status, { error: error.code, message: error.message });
    if (error instanceof WorldError) return sendJson(res, error.status, { error: error.status === 404 ? "not_found" : "bad_request", message: error.message });
    if (error instanceof RangeError) return sendJson(res, 400, { error: "bad_request", message: error.message });
    throw error;
  }
}

async function route(ctx: SimulatorContext, req: IncomingMessage, path: string, url: URL): Promise<unknown> {
  const { world, faults } = ctx;
  const method = req.method ?? "GET";
  const is = (m: string, p: string) => method === m && path === p;
  let m: RegExpExecArray | null;

  if (is("GET", "/")) {
    return {
      records: world.liveCount,
      species: world.species.filter((s) => !s.retired).length,
      seed: world.seed,
      version: world.version,
      clock: world.clock.state(),
      deletedService: world.deletedService,
      faults: faults.state(),
    };
  }
  if (is("GET", "/species")) return world.speciesList().filter((s) => !s.retired);
  if (is("GET", "/truth")) return world.truth();
  if (method === "GET" && (m = /^\/truth\/species\/(.+)\/uuids$/.exec(path))) return world.speciesUuids(decodeURIComponent(m[1]));
  if (is("POST", "/records/add")) return { uuids: world.addRecords(await body(req, schemas.add)) };
  if (is("POST", "/records/update")) return { uuids: world.updateRecords(await body(req, schemas.update)) };
  if (is("POST", "/records/delete")) return { uuids: world.deleteRecords(await body(req, schemas.delete)) };
  if (is("POST", "/species/split")) return world.splitSpecies(await body(req, schemas.split));
  if (is("POST", "/species/merge")) return world.mergeSpecies(await body(req, schemas.merge));
  if (is("POST", "/species/retire")) return world.retireSpecies(await body(req, schemas.retire));
  if (is("GET", "/clock")) return world.clock.state();
  if (is("POST", "/clock")) return world.clock.set(await body(req, schemas.clock));
  if (is("GET", "/faults")) return faults.state();
  if (is("POST", "/faults")) {
    const { resetCounts, ...config } = await body(req, schemas.faults);
    faults.set(config);
    if (resetCounts) faults.resetCounts();
    return faults.state();
  }
  if (is("DELETE", "/faults")) {
    faults.clear();
    if (url.searchParams.get("counts") === "reset") faults.resetCounts();
    return faults.state();
  }
  if (is("GET", "/requests")) return ctx.requests.snapshot();
  if (is("DELETE", "/requests")) {
    ctx.requests.reset();
    return ctx.requests.snapshot();
  }
  if (is("POST", "/deleted-service")) {
    world.deletedService = (await body(req, schemas.deletedService)).enabled;
    return { deletedService: world.deletedService };
  }
  if (is("GET", "/search")) return { pageDepthMax: ctx.pageDepthMax };
  if (is("POST", "/search")) {
    ctx.pageDepthMax = (await body(req, schemas.search)).pageDepthMax;
    return { pageDepthMax: ctx.pageDepthMax };
  }
  if (is("POST", "/species/count-skew")) {
    const { guid: id, extra } = await body(req, schemas.countSkew);
    if (extra === 0) ctx.countSkew.delete(id);
    else ctx.countSkew.set(id, extra);
    return Object.fromEntries(ctx.countSkew);
  }
  if (is("GET", "/downloads")) return ctx.downloads.state();
  if (is("POST", "/downloads")) {
    const { faults: add, clearFaults, ...settings } = await body(req, schemas.downloads);
    if (clearFaults) ctx.downloads.clearFaults();
    for (const f of add ?? []) ctx.downloads.addFault(f.mode, f.count);
    Object.assign(ctx.downloads.settings, settings);
    return ctx.downloads.state();
  }
  if (is("POST", "/downloads/expire")) return { expired: ctx.downloads.expireAll() };
  throw new ControlError(404, "not_found", `no control endpoint ${method} /__control${path}`);
}
