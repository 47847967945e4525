/**
 * Bad input, property-based (fast-check), over every write endpoint and the /ws/vettings service:
 * malformed and random JSON, wrong types, 5 MB bodies, impossible coordinates, self-intersecting
 * and degenerate polygons, WKT garbage, ids that are no id. Callers are signed in with the right
 * role (session cookie or API key), so the input itself is what gets checked. Every answer must be
 * a 4xx with the contract's `{ error, message }`, and the database must be exactly as before.
 * The routes are called as Next.js calls them, with real Requests, on a real PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { DELETE as deleteKey } from "@/app/api/admin/keys/[id]/route";
import { POST as postKey } from "@/app/api/admin/keys/route";
import { PUT as putSchedule } from "@/app/api/admin/schedule/route";
import { POST as postSync } from "@/app/api/admin/sync/route";
import { PATCH as patchUser } from "@/app/api/admin/users/[id]/route";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { DELETE as revokeInvitation } from "@/app/api/admin/invitations/[id]/route";
import { POST as postInvitation } from "@/app/api/admin/invitations/route";
import { POST as acceptInvitation } from "@/app/api/invitations/accept/route";
import { POST as confirmReset } from "@/app/api/password-reset/confirm/route";
import { POST as requestReset } from "@/app/api/password-reset/route";
import { newInvitationSchema } from "@/lib/accounts/invitations";
import { resetRequestSchema } from "@/lib/accounts/password-reset";
import { DELETE as deleteVetting, PATCH as patchVetting } from "@/app/api/vettings/[id]/route";
import { POST as postCoverage } from "@/app/api/vettings/coverage/route";
import { POST as postVetting } from "@/app/api/vettings/route";
import { DELETE as wsDelete } from "@/app/ws/vettings/[id]/route";
import { POST as wsPost } from "@/app/ws/vettings/route";
import { newKeyBodySchema } from "@/lib/admin/api-keys";
import { scheduleBodySchema } from "@/lib/admin/schedule";
import { startSyncBodySchema } from "@/lib/admin/sync";
import { userChangeSchema } from "@/lib/admin/users";
import { actor, ORIGIN, params, PASSWORD, randomIp, useTestSecret, type Actor } from "@/lib/auth/test-support";
import {
  badIdNumber,
  badPathId,
  degeneratePolygon,
  hugeBody,
  malformedJson,
  notAPolygon,
  notOfType,
  polygonWithBadCoordinateText,
  randomJson,
  selfIntersectingPolygon,
  VALID_RING,
  VALID_WKT,
  wktGarbage,
} from "@/lib/http/bad-input";
import { stopQueue } from "@/lib/jobs/queue";
import { coverageBodySchema } from "@/lib/vetting/coverage";
import { newVettingBodySchema, vettingChangeBodySchema } from "@/lib/vetting/vettings";
import { insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { POST as postLayerSet } from "@/app/api/admin/layer-sets/route";
import { DELETE as deleteRangeImport } from "@/app/api/admin/range-imports/[id]/route";
import { DELETE as deleteSource } from "@/app/api/admin/sources/[id]/route";
import { POST as syncSource } from "@/app/api/admin/sources/[id]/sync/route";
import { POST as mapSourceName } from "@/app/api/admin/sources/names/route";
import { POST as postSource } from "@/app/api/admin/sources/route";
import { POST as retryPush } from "@/app/api/admin/vetting-push/[vettingId]/retry/route";
import { POST as requestModel } from "@/app/api/distributions/[speciesId]/model/route";
import { layerSetInputSchema } from "@/lib/layers/store";
import { mapNameSchema } from "@/lib/sources/admin";
import { writeArchive, writeZip, metaXml } from "@/lib/sources/dwca/test-archive";
import { uploadsDir } from "@/lib/sources/jobs";
import { addSource, newSourceSchema } from "@/lib/sources/registry";
import { dbDigest, type DbDigest } from "@/test/db-digest";

useTestSecret();

/** Runs per property; the 5 MB bodies are few (each is real work for the parser). */
const RUNS = { standard: 40, geometry: 60, wkt: 100, huge: 4 } as const;

type Auth = "vetter" | "admin" | "none";
type Body = string | Uint8Array<ArrayBuffer> | undefined;
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

let db: TestDatabase;
let expert: Actor, admin: Actor;
let speciesName: string;
let speciesId: number;
let liveVettingId: number;
let deletedVettingId: number;
/** A Darwin Core Archive source, which takes uploads. */
let dwcaSourceId: number;
let digest: DbDigest;
let baseline: string;

/** What each endpoint was sent, for the figures in docs/reliability.md. */
const tried = new Map<string, number>();

beforeAll(async () => {
  db = await createTestDatabase();
  speciesName = "Cacatua galerita";
  speciesId = await insertSpecies(db.pool, speciesName);
  [expert, admin] = await Promise.all([actor("expert"), actor("admin")]);
  const make = async () => {
    const response = await postVetting(request("POST", "/api/vettings", { bearer: expert.key }, JSON.stringify(vettingBody())));
    expect(response.status).toBe(201);
    return (await response.json()).id as number;
  };
  liveVettingId = await make();
  deletedVettingId = await make();
  expect((await deleteVetting(request("DELETE", `/api/vettings/${deletedVettingId}`, { bearer: expert.key }), params({ id: String(deletedVettingId) }))).status).toBe(204);
  dwcaSourceId = (await addSource(db.pool, { kind: "dwca", name: "A survey", settings: { location: "/nonexistent/survey.zip" } })).id;
  digest = await dbDigest(db.pool);
  baseline = await digest.take();
});

afterAll(async () => {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  console.info(`bad inputs tried: ${total}\n${[...tried].map(([name, n]) => `  ${name}: ${n}`).join("\n")}`);
  await stopQueue();
  await db?.drop();
});

const vettingBody = (): Record<string, unknown> => ({ speciesId, classification: "known_invalid", area: { type: "Polygon", coordinates: [VALID_RING] }, comment: "escapees" });

type Credentials = { cookie: string } | { bearer: string } | null;

/** A request as Edgar's own page (same origin, session cookie) or a tool (Bearer key) sends it. */
function request(method: string, path: string, credentials: Credentials, body?: Body): Request {
  const headers = new Headers({ "x-forwarded-for": randomIp() });
  if (credentials && "cookie" in credentials) {
    headers.set("cookie", credentials.cookie);
    headers.set("origin", ORIGIN);
    headers.set("sec-fetch-site", "same-origin");
  }
  if (credentials && "bearer" in credentials) headers.set("authorization", `Bearer ${credentials.bearer}`);
  if (body !== undefined) headers.set("content-type", "application/json");
  return new Request(`${ORIGIN}${path}`, { method, headers, body });
}

const viaArb = fc.constantFrom("cookie" as const, "bearer" as const);

function credentialsFor(auth: Auth, via: "cookie" | "bearer"): Credentials {
  if (auth === "none") return null;
  const who = auth === "admin" ? admin : expert;
  return via === "cookie" ? { cookie: who.cookie } : { bearer: who.key };
}

/** The property every bad input must satisfy. */
async function expectRefused(name: string, response: Response): Promise<void> {
  tried.set(name, (tried.get(name) ?? 0) + 1);
  const text = await response.text();
  expect(response.status, `${name} answered ${response.status}: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(response.status, `${name} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const json = JSON.parse(text);
  expect(json).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
  expect(json.message.trim()).not.toBe("");
  const changed = await digest.changedSince(baseline);
  expect(changed, `${name} changed the database: ${changed.join(", ")}`).toEqual([]);
}

interface BodyEndpoint {
  name: string;
  method: "POST" | "PATCH" | "PUT";
  path: string;
  handler: Handler;
  params?: Record<string, string>;
  auth: Auth;
  /** A valid body: the wrong-type and huge-body cases start from it. */
  template: () => Record<string, unknown>;
  /** The JSON kind of each field, to replace with a value of another kind. */
  fields: Record<string, "number" | "string" | "boolean" | "object" | "array">;
  /** Fields for which null is a valid value (no comment, the default schedule). */
  nullable?: string[];
  /** Whether a field the endpoint does not know is refused (strict schemas) or ignored. */
  strict: boolean;
  /** The route's own body schema, to leave out the random values it happens to accept. */
  accepts?: (value: unknown) => boolean;
  /** Random values are objects with these fields added (the /ws service's key). */
  decorate?: (value: unknown) => unknown;
}

const schemaAccepts = (schema: z.ZodType) => (value: unknown) => schema.safeParse(value).success;

const BODY_ENDPOINTS = (): BodyEndpoint[] => [
  {
    name: "POST /api/vettings",
    method: "POST",
    path: "/api/vettings",
    handler: postVetting as Handler,
    auth: "vetter",
    template: vettingBody,
    fields: { speciesId: "number", classification: "string", area: "object", comment: "string" },
    nullable: ["comment"],
    strict: true,
    // The schema leaves `area` to validateArea: a value with a valid area is needed to pass both.
    accepts: (v) => schemaAccepts(newVettingBodySchema)(v) && typeof v === "object" && v !== null && "area" in v,
  },
  {
    name: "PATCH /api/vettings/{id}",
    method: "PATCH",
    path: `/api/vettings/${liveVettingId}`,
    handler: patchVetting as Handler,
    params: { id: String(liveVettingId) },
    auth: "vetter",
    template: () => ({ classification: "known_valid", area: { type: "Polygon", coordinates: [VALID_RING] }, comment: "changed" }),
    fields: { classification: "string", area: "object", comment: "string" },
    nullable: ["comment"],
    strict: true,
    accepts: schemaAccepts(vettingChangeBodySchema),
  },
  {
    // Changes nothing, but takes an area like the writes: the same bad input, the same answers.
    name: "POST /api/vettings/coverage",
    method: "POST",
    path: "/api/vettings/coverage",
    handler: postCoverage as Handler,
    auth: "vetter",
    template: () => ({ speciesId, area: { type: "Polygon", coordinates: [VALID_RING] } }),
    fields: { speciesId: "number", area: "object" },
    strict: true,
    accepts: (v) => schemaAccepts(coverageBodySchema)(v) && typeof v === "object" && v !== null && "area" in v,
  },
  {
    name: "POST /ws/vettings",
    method: "POST",
    path: "/ws/vettings",
    handler: wsPost as Handler,
    auth: "none",
    template: () => ({ apiKey: expert.key, species: speciesName, area: VALID_WKT, classification: "known_valid", comment: "from a tool" }),
    fields: { species: "string", area: "string", classification: "string", comment: "string" },
    nullable: ["comment"],
    // The ALA's service kept whatever else a tool sent; so does this one (in the raw JSON).
    strict: false,
    accepts: (v) => typeof v === "object" && v !== null && "species" in v && (v as { species: unknown }).species === speciesName,
    decorate: (v) => (typeof v === "object" && v !== null && !Array.isArray(v) ? { ...v, apiKey: expert.key } : v),
  },
  {
    name: "POST /api/admin/keys",
    method: "POST",
    path: "/api/admin/keys",
    handler: postKey as Handler,
    auth: "admin",
    template: () => ({ userId: expert.id, name: "a tool" }),
    fields: { userId: "string", name: "string" },
    strict: true,
    accepts: schemaAccepts(newKeyBodySchema),
  },
  {
    name: "PUT /api/admin/schedule",
    method: "PUT",
    path: "/api/admin/schedule",
    handler: putSchedule as Handler,
    auth: "admin",
    template: () => ({ cron: "0 4 * * *" }),
    fields: { cron: "string" },
    nullable: ["cron"],
    strict: true,
    accepts: schemaAccepts(scheduleBodySchema),
  },
  {
    name: "POST /api/admin/sync",
    method: "POST",
    path: "/api/admin/sync",
    handler: postSync as Handler,
    auth: "admin",
    template: () => ({ kind: "incremental" }),
    fields: { kind: "string" },
    strict: true,
    accepts: schemaAccepts(startSyncBodySchema),
  },
  {
    name: "PATCH /api/admin/users/{id}",
    method: "PATCH",
    path: `/api/admin/users/${expert.id}`,
    handler: patchUser as Handler,
    params: { id: expert.id },
    auth: "admin",
    template: () => ({ role: "researcher", disabled: true }),
    fields: { role: "string", disabled: "boolean" },
    strict: true,
    accepts: schemaAccepts(userChangeSchema),
  },
  {
    name: "POST /api/auth/sign-in/email",
    method: "POST",
    path: "/api/auth/sign-in/email",
    handler: ((r: Request) => authPost(r)) as Handler,
    auth: "none",
    template: () => ({ email: expert.email, password: PASSWORD }),
    fields: { email: "string", password: "string" },
    // better-auth ignores fields it does not know.
    strict: false,
    // A well-formed sign-in with a wrong password is a refusal too; only the right one is not.
    accepts: (v) => typeof v === "object" && v !== null && (v as { password?: unknown }).password === PASSWORD,
  },
  {
    name: "POST /api/admin/invitations",
    method: "POST",
    path: "/api/admin/invitations",
    handler: postInvitation as Handler,
    auth: "admin",
    template: () => ({ email: "invitee@example.org", role: "expert" }),
    fields: { email: "string", role: "string" },
    strict: true,
    accepts: schemaAccepts(newInvitationSchema),
  },
  {
    // A well-formed token that names no invitation is a refusal (410) too.
    name: "POST /api/invitations/accept",
    method: "POST",
    path: "/api/invitations/accept",
    handler: acceptInvitation as Handler,
    auth: "none",
    template: () => ({ token: UNKNOWN_TOKEN, password: PASSWORD, name: "Invitee" }),
    fields: { token: "string", password: "string", name: "string" },
    strict: true,
  },
  {
    name: "POST /api/password-reset",
    method: "POST",
    path: "/api/password-reset",
    handler: requestReset as Handler,
    auth: "none",
    template: () => ({ email: expert.email }),
    fields: { email: "string" },
    strict: true,
    accepts: schemaAccepts(resetRequestSchema),
  },
  {
    name: "POST /api/password-reset/confirm",
    method: "POST",
    path: "/api/password-reset/confirm",
    handler: confirmReset as Handler,
    auth: "none",
    template: () => ({ token: UNKNOWN_TOKEN, password: PASSWORD }),
    fields: { token: "string", password: "string" },
    strict: true,
  },
  {
    // A directory that holds no layers: a body the schema takes is refused by the files (422).
    name: "POST /api/admin/layer-sets",
    method: "POST",
    path: "/api/admin/layer-sets",
    handler: postLayerSet as Handler,
    auth: "admin",
    template: () => ({ name: "Future", scenario: "SSP2-4.5", year: 2050, dir: "/nonexistent/layers" }),
    fields: { name: "string", scenario: "string", year: "number", dir: "string" },
    strict: false,
    accepts: schemaAccepts(layerSetInputSchema),
  },
  {
    name: "POST /api/admin/sources",
    method: "POST",
    path: "/api/admin/sources",
    handler: postSource as Handler,
    auth: "admin",
    template: () => ({ kind: "dwca", name: "Another survey", settings: { location: "/data/another.zip" }, cron: "0 4 * * *" }),
    fields: { kind: "string", name: "string", settings: "object", cron: "string" },
    nullable: ["cron"],
    strict: false,
    accepts: schemaAccepts(newSourceSchema),
  },
  {
    name: "POST /api/admin/sources/names",
    method: "POST",
    path: "/api/admin/sources/names",
    handler: mapSourceName as Handler,
    auth: "admin",
    template: () => ({ name: "Cacatua galerita alba", speciesId }),
    fields: { name: "string", speciesId: "number" },
    strict: true,
    accepts: schemaAccepts(mapNameSchema),
  },
];

/** Shaped like an emailed link's token, but no invitation or reset has it. */
const UNKNOWN_TOKEN = "A".repeat(43);

function send(endpoint: BodyEndpoint, via: "cookie" | "bearer", body: Body, paramsOverride?: Record<string, string>, path = endpoint.path): Promise<Response> {
  const context = params(paramsOverride ?? endpoint.params ?? {});
  const credentials = credentialsFor(endpoint.auth, via);
  const req = request(endpoint.method, path, credentials, body);
  if (endpoint.auth === "none" && endpoint.name.includes("/api/auth/")) req.headers.set("origin", ORIGIN);
  return endpoint.handler(req, context);
}

const BODY_ENDPOINT_NAMES = [
  "POST /api/vettings",
  "PATCH /api/vettings/{id}",
  "POST /api/vettings/coverage",
  "POST /ws/vettings",
  "POST /api/admin/keys",
  "PUT /api/admin/schedule",
  "POST /api/admin/sync",
  "PATCH /api/admin/users/{id}",
  "POST /api/auth/sign-in/email",
  "POST /api/admin/invitations",
  "POST /api/invitations/accept",
  "POST /api/password-reset",
  "POST /api/password-reset/confirm",
  "POST /api/admin/layer-sets",
  "POST /api/admin/sources",
  "POST /api/admin/sources/names",
] as const;

/** The endpoint of that name; a function, as its paths and bodies name rows made in beforeAll. */
const find = (name: (typeof BODY_ENDPOINT_NAMES)[number]) => BODY_ENDPOINTS().find((e) => e.name === name)!;

describe.each(BODY_ENDPOINT_NAMES)("%s refuses bad bodies", (name) => {
  const endpoint = () => find(name);

  it("malformed JSON text, and bytes that are not UTF-8", async () => {
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((b) => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(b);
        return false;
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(malformedJson, bytes), viaArb, async (body, via) => {
        await expectRefused(name, await send(endpoint(), via, body));
      }),
      { numRuns: RUNS.standard },
    );
  });

  it("random JSON values", async () => {
    const e = endpoint();
    await fc.assert(
      fc.asyncProperty(randomJson, viaArb, async (value, via) => {
        const body = e.decorate ? e.decorate(value) : value;
        fc.pre(!e.accepts?.(body));
        await expectRefused(name, await send(e, via, JSON.stringify(body)));
      }),
      { numRuns: RUNS.standard },
    );
  });

  it("a valid body with one field of the wrong type, or an unknown field", async () => {
    const e = endpoint();
    const wrongField = fc
      .constantFrom(...Object.keys(e.fields))
      .chain((field) =>
        notOfType(e.fields[field])
          .filter((value) => !(value === null && e.nullable?.includes(field)))
          .map((value) => ({ ...e.template(), [field]: value })),
      );
    const unknownField = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((k) => !(k in e.template()) && k !== "__proto__")
      .map((k) => ({ ...e.template(), [k]: 1 }));
    await fc.assert(
      fc.asyncProperty(e.strict ? fc.oneof(wrongField, unknownField) : wrongField, viaArb, async (body, via) => {
        await expectRefused(name, await send(e, via, JSON.stringify(body)));
      }),
      { numRuns: RUNS.standard },
    );
  });

  it("a valid body with NUL in one of its texts, or in a field it does not know", async () => {
    const e = endpoint();
    const withNul = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);
    const texts = Object.keys(e.fields).filter((f) => e.fields[f] === "string");
    const inText = texts.length ? fc.tuple(fc.constantFrom(...texts), withNul).map(([field, value]) => ({ ...e.template(), [field]: value })) : null;
    const inExtra = withNul.map((value) => ({ ...e.template(), note: value }));
    await fc.assert(
      fc.asyncProperty(inText ? fc.oneof(inText, inExtra) : inExtra, viaArb, async (body, via) => {
        await expectRefused(name, await send(e, via, JSON.stringify(body)));
      }),
      { numRuns: RUNS.standard / 2 },
    );
  });

  it("bodies of 5 MB", async () => {
    const e = endpoint();
    await fc.assert(
      fc.asyncProperty(hugeBody, viaArb, async (make, via) => {
        await expectRefused(name, await send(e, via, make(e.template())));
      }),
      { numRuns: RUNS.huge },
    );
  });
});

describe("ids in bodies", () => {
  it("POST /api/vettings refuses species ids that are no id (fractions, zero, negatives, past 2^31 − 1)", async () => {
    const e = find("POST /api/vettings");
    await fc.assert(
      fc.asyncProperty(badIdNumber, viaArb, async (id, via) => {
        await expectRefused(e.name, await send(e, via, JSON.stringify({ ...vettingBody(), speciesId: id })));
      }),
      { numRuns: RUNS.standard },
    );
  });
});

describe("vetting areas", () => {
  const areas = fc.oneof(selfIntersectingPolygon.map((a) => JSON.stringify(a)), degeneratePolygon.map((a) => JSON.stringify(a)), notAPolygon.map((a) => JSON.stringify(a)), polygonWithBadCoordinateText);
  // As text: JSON cannot carry the NaN and 1e999 some of these coordinates are.
  const withArea = (areaText: string, base: Record<string, unknown>) => JSON.stringify({ ...base, area: "AREA" }).replace('"AREA"', areaText);

  it("POST /api/vettings refuses self-intersecting, degenerate, out-of-range and non-polygon areas", async () => {
    const e = find("POST /api/vettings");
    await fc.assert(
      fc.asyncProperty(areas, viaArb, async (area, via) => {
        await expectRefused(e.name, await send(e, via, withArea(area, vettingBody())));
      }),
      { numRuns: RUNS.geometry },
    );
  });

  it("PATCH /api/vettings/{id} refuses them too", async () => {
    const e = find("PATCH /api/vettings/{id}");
    await fc.assert(
      fc.asyncProperty(areas, viaArb, async (area, via) => {
        await expectRefused(e.name, await send(e, via, withArea(area, { classification: "known_valid" })));
      }),
      { numRuns: RUNS.geometry },
    );
  });

  it("POST /api/vettings/coverage refuses them too", async () => {
    const e = find("POST /api/vettings/coverage");
    await fc.assert(
      fc.asyncProperty(areas, viaArb, async (area, via) => {
        await expectRefused(e.name, await send(e, via, withArea(area, { speciesId })));
      }),
      { numRuns: RUNS.geometry },
    );
  });

  it("POST /ws/vettings refuses WKT garbage, and species it does not know", async () => {
    const e = find("POST /ws/vettings");
    const wkt = wktGarbage.map((area) => ({ ...e.template(), area }));
    const species = fc
      .oneof(fc.string({ maxLength: 80 }), fc.constantFrom("", " ", "cacatua", "Cacatua galerita galerita", "Cacatua%", "%", "_", "' OR 1=1 --"))
      .filter((s) => s.trim().toLowerCase() !== speciesName.toLowerCase())
      .map((s) => ({ ...e.template(), species: s }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(wkt, species), async (body) => {
        await expectRefused(e.name, await send(e, "bearer", JSON.stringify(body)));
      }),
      { numRuns: RUNS.wkt },
    );
  });
});

describe("ids that are no id, and targets that cannot be changed", () => {
  const idArb = fc.oneof(badPathId, fc.integer({ min: 1_000_000, max: 2_147_483_647 }).map(String));

  it("PATCH and DELETE /api/vettings/{id}", async () => {
    const e = find("PATCH /api/vettings/{id}");
    await fc.assert(
      fc.asyncProperty(fc.oneof(idArb, fc.constant(String(deletedVettingId))), viaArb, fc.boolean(), async (id, via, remove) => {
        const path = `/api/vettings/${encodeURIComponent(id)}`;
        const response = remove
          ? await (deleteVetting as Handler)(request("DELETE", path, credentialsFor("vetter", via)), params({ id }))
          : await send(e, via, JSON.stringify({ comment: "changed" }), { id }, path);
        await expectRefused(remove ? "DELETE /api/vettings/{id}" : e.name, response);
      }),
      { numRuns: RUNS.standard * 2 },
    );
  });

  it("DELETE /ws/vettings/{id}?apiKey=", async () => {
    const badKey = fc.oneof(fc.string({ maxLength: 80 }), fc.constant(`${expert.key}x`), fc.constant(expert.key.slice(0, -1)));
    const cases = fc.oneof(
      fc.record({ id: fc.oneof(idArb, fc.constant(String(deletedVettingId))), key: fc.constant(expert.key) }),
      fc.record({ id: fc.constant(String(liveVettingId)), key: fc.option(badKey, { nil: undefined }) }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ id, key }) => {
        const query = key === undefined ? "" : `?apiKey=${encodeURIComponent(key)}`;
        const response = await (wsDelete as Handler)(new Request(`${ORIGIN}/ws/vettings/${encodeURIComponent(id)}${query}`, { method: "DELETE" }), params({ id }));
        await expectRefused("DELETE /ws/vettings/{id}", response);
      }),
      { numRuns: RUNS.standard * 2 },
    );
  });

  it("DELETE /api/admin/keys/{id}", async () => {
    await fc.assert(
      fc.asyncProperty(idArb, viaArb, async (id, via) => {
        const response = await (deleteKey as Handler)(request("DELETE", `/api/admin/keys/${encodeURIComponent(id)}`, credentialsFor("admin", via)), params({ id }));
        await expectRefused("DELETE /api/admin/keys/{id}", response);
      }),
      { numRuns: RUNS.standard },
    );
  });

  it("DELETE /api/admin/invitations/{id}", async () => {
    await fc.assert(
      fc.asyncProperty(idArb, viaArb, async (id, via) => {
        const response = await (revokeInvitation as Handler)(request("DELETE", `/api/admin/invitations/${encodeURIComponent(id)}`, credentialsFor("admin", via)), params({ id }));
        await expectRefused("DELETE /api/admin/invitations/{id}", response);
      }),
      { numRuns: RUNS.standard },
    );
  });

  it("POST /api/admin/invitations to an address that has an account", async () => {
    const e = find("POST /api/admin/invitations");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(expert.email, admin.email, expert.email.toUpperCase()), fc.constantFrom("researcher", "expert", "admin"), viaArb, async (email, role, via) => {
        await expectRefused(e.name, await send(e, via, JSON.stringify({ email, role })));
      }),
      { numRuns: RUNS.standard / 2 },
    );
  });

  it("PATCH /api/admin/users/{id} and POST /api/admin/keys for users that do not exist", async () => {
    const users = find("PATCH /api/admin/users/{id}");
    const keys = find("POST /api/admin/keys");
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 100 }), fc.string({ minLength: 101, maxLength: 300 })).filter((s) => s !== expert.id && s !== admin.id);
    await fc.assert(
      fc.asyncProperty(id, viaArb, fc.boolean(), async (userId, via, patch) => {
        const response = patch
          ? await send(users, via, JSON.stringify({ role: "expert" }), { id: userId }, `/api/admin/users/${encodeURIComponent(userId)}`)
          : await send(keys, via, JSON.stringify({ userId }));
        await expectRefused(patch ? users.name : keys.name, response);
      }),
      { numRuns: RUNS.standard * 2 },
    );
  });

  it("PUT /api/admin/schedule with cron expressions that are none", async () => {
    const e = find("PUT /api/admin/schedule");
    const outOfRange = fc
      .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 60, max: 10_000 }))
      .map(([field, value]) => ["0", "3", "*", "*", "*"].map((f, i) => (i === field ? String(value) : f)).join(" "));
    const fieldCount = fc.array(fc.constantFrom("*", "1", "*/5", "1-3"), { minLength: 1, maxLength: 9 }).filter((f) => f.length !== 5).map((f) => f.join(" "));
    const junk = fc.constantFrom("@daily", "* * * * * *", "0 3 * * MON-", "0 3 31 2 *x", "0 3 * * 8", "0 25 * * *", "-1 3 * * *", "0 3 L W *", "x".repeat(201));
    await fc.assert(
      fc.asyncProperty(fc.oneof(outOfRange, fieldCount, junk), viaArb, async (cron, via) => {
        await expectRefused(e.name, await send(e, via, JSON.stringify({ cron })));
      }),
      { numRuns: RUNS.standard },
    );
  });
});

describe("ids that are no id, on the routes of sources, range imports, vetting pushes and models", () => {
  const idArb = fc.oneof(badPathId, fc.integer({ min: 1_000_000, max: 2_147_483_647 }).map(String));
  const routes: { name: string; segment: string; path: (id: string) => string; handler: Handler; method: string; auth: Auth }[] = [
    { name: "DELETE /api/admin/range-imports/{id}", segment: "id", path: (id) => `/api/admin/range-imports/${id}`, handler: deleteRangeImport as Handler, method: "DELETE", auth: "admin" },
    { name: "DELETE /api/admin/sources/{id}", segment: "id", path: (id) => `/api/admin/sources/${id}`, handler: deleteSource as Handler, method: "DELETE", auth: "admin" },
    { name: "POST /api/admin/sources/{id}/sync", segment: "id", path: (id) => `/api/admin/sources/${id}/sync`, handler: syncSource as Handler, method: "POST", auth: "admin" },
    { name: "POST /api/admin/vetting-push/{vettingId}/retry", segment: "vettingId", path: (id) => `/api/admin/vetting-push/${id}/retry`, handler: retryPush as Handler, method: "POST", auth: "admin" },
    { name: "POST /api/distributions/{speciesId}/model", segment: "speciesId", path: (id) => `/api/distributions/${id}/model`, handler: requestModel as Handler, method: "POST", auth: "vetter" },
  ];

  it.each(routes.map((r) => [r.name, r] as const))("%s", async (name, r) => {
    await fc.assert(
      fc.asyncProperty(idArb, viaArb, async (id, via) => {
        const response = await r.handler(request(r.method, r.path(encodeURIComponent(id)), credentialsFor(r.auth, via)), params({ [r.segment]: id }));
        await expectRefused(name, response);
      }),
      { numRuns: RUNS.standard / 2 },
    );
  });

  it("the ALA source cannot be removed or synced here, and a source with no archive cannot sync without an upload", async () => {
    for (const via of ["cookie", "bearer"] as const) {
      await expectRefused("DELETE /api/admin/sources/{id}", await (deleteSource as Handler)(request("DELETE", "/api/admin/sources/1", credentialsFor("admin", via)), params({ id: "1" })));
      await expectRefused("POST /api/admin/sources/{id}/sync", await (syncSource as Handler)(request("POST", "/api/admin/sources/1/sync", credentialsFor("admin", via)), params({ id: "1" })));
    }
  });
});

describe("Darwin Core Archive uploads (POST /api/admin/sources/{id}/sync, Content-Type: application/zip)", () => {
  const name = "POST /api/admin/sources/{id}/sync";
  const upload = (bytes: Uint8Array, via: "cookie" | "bearer") => {
    const r = request("POST", `/api/admin/sources/${dwcaSourceId}/sync`, credentialsFor("admin", via), new Blob([bytes as Uint8Array<ArrayBuffer>]) as unknown as Body);
    r.headers.set("content-type", "application/zip");
    return (syncSource as Handler)(r, params({ id: String(dwcaSourceId) }));
  };
  const uploadsLeft = () => (fs.existsSync(uploadsDir()) ? fs.readdirSync(uploadsDir()).length : 0);

  it("refuses bytes that are no archive, zips that are no Darwin Core Archive and cut-off archives, keeping no file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-dwca-bad-"));
    try {
      const archive = fs.readFileSync(await writeArchive(path.join(dir, "good.zip"), [{ occurrenceID: "x-1", scientificName: speciesName, decimalLatitude: "-30", decimalLongitude: "140" }]));
      const noMeta = fs.readFileSync(await writeZip(path.join(dir, "no-meta.zip"), { "occurrence.txt": "id\n1\n" }));
      const noCore = fs.readFileSync(await writeZip(path.join(dir, "no-core.zip"), { "meta.xml": metaXml({ location: "missing.txt" }) }));
      const badMeta = fs.readFileSync(await writeZip(path.join(dir, "bad-meta.zip"), { "meta.xml": "<archive><core" }));
      const before = uploadsLeft();
      const bytes = fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        fc.constantFrom(new Uint8Array(noMeta), new Uint8Array(noCore), new Uint8Array(badMeta)),
        fc.integer({ min: 1, max: archive.length - 1 }).map((n) => new Uint8Array(archive.subarray(0, n))),
      );
      await fc.assert(
        fc.asyncProperty(bytes, viaArb, async (b, via) => {
          await expectRefused(name, await upload(b, via));
          expect(uploadsLeft()).toBe(before);
        }),
        { numRuns: RUNS.standard },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});