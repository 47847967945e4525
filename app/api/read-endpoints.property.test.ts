/**
 * Bad input on the read side, property-based (fast-check): every GET route handler in app/
 * (found on disk, so a new one is covered when it is added) is called with odd path segments and
 * query values — NUL and control characters, right-to-left and combining marks, very long values,
 * `-1`, `0`, fractions, `1e309`, `NaN`, `Infinity`, 20-digit numbers, hex, empty — and with
 * repeated, conflicting and unknown parameters. Every answer must be a 4xx with the contract's
 * `{ error, message }` or a correct answer (unknown parameters change nothing), never a 5xx.
 * The caller is an admin (API key), so the input is what is judged, not the role. Addresses that
 * do not decode never reach a handler (proxy.ts); e2e/bad-input.spec.ts sends those, and odd
 * values to every page, over HTTP. The world has a fitted suitability model (real layers, the real
 * fit), so the model's status, tiles and downloads are reached with valid values beside odd ones;
 * an answer that is a live-update stream (`/api/events`) is read to its first message (the
 * snapshot) and closed, so no request waits on an endless body.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postVetting } from "@/app/api/vettings/route";
import { actor, ORIGIN, params, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { oddNumber, oddText, oddValue, VALID_RING } from "@/lib/http/bad-input";
import { stopQueue } from "@/lib/jobs/queue";
import { addDataset, addManyRecords, addRecord, addSpecies } from "@/lib/occurrences/test-support";
import { eventHub } from "@/lib/events";
import { SseReader } from "@/lib/events/sse-reader";
import { addLayerSet } from "@/lib/layers/store";
import { handleFitModel } from "@/lib/suitability/job";
import { northWest, writeTestLayers } from "@/lib/suitability/test-fixtures";
import { insertRecords } from "@/lib/vetting/test-fixtures";
import { appRouteFiles, fillPattern, type AppEntry } from "@/test/app-routes";
import { createTestDatabase, type TestDatabase } from "@/test/db";

useTestSecret();

const RUNS = 60;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

let db: TestDatabase;
let admin: Actor;
/** Layer files of the fitted model's set. */
let layersDir: string;
/** Valid values of path segments and query parameters, so odd ones are tried beside real rows. */
let valid: { segments: Record<string, Record<string, string>>; query: Record<string, string[]> };

/** What each route was sent, for the figures in docs/reliability.md. */
const tried = new Map<string, number>();

const FILTERS = ["years", "yearFrom", "yearTo", "classifications", "classification", "duplicates"];

/** The query parameters each route reads; others are unknown to it. */
const QUERY: Record<string, string[]> = {
  "/api/admin/keys": ["userId"],
  "/api/admin/sync": ["limit", "before"],
  "/api/species": ["q", "limit"],
  "/api/species/{id}/occurrences": ["format", ...FILTERS],
  "/api/species/{id}/stack": ["lon", "lat", "radius", "limit", ...FILTERS],
  "/api/species/{id}/summary": FILTERS,
  "/api/tiles/{speciesId}/{z}/{x}/{y}": [...FILTERS, "v"],
  "/api/tiles/{speciesId}/expansion": ["clusterId", ...FILTERS, "v"],
  "/api/vettings": ["speciesId"],
  "/ws/vettings/{id}": ["apiKey"],
  "/api/events": ["species", "admin"],
  "/api/species/{id}/distribution": ["contentious"],
  "/api/species/{id}/distribution/{product}": ["contentious", "download"],
  "/api/distributions/{speciesId}/model": ["download"],
  "/api/distributions/{speciesId}/model/{scenario}/{z}/{x}/{y}": ["v"],
};

const routes: { entry: AppEntry; get: Handler }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  const species = await addSpecies(db.pool, "Malurus cyaneus", "Superb Fairy-wren");
  const dataset = await addDataset(db.pool, "dr1", "Birdata", "BirdLife Australia", "CC-BY 4.0 (Int)");
  await addManyRecords(db.pool, species, 300, dataset);
  const record = (await addRecord(db.pool, species, { lat: -12.5, lon: 130.9, datasetId: dataset })).id;
  admin = await actor("admin");
  const created = await postVetting(
    new Request(`${ORIGIN}/api/vettings`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.key}`, "content-type": "application/json" },
      body: JSON.stringify({ speciesId: species, classification: "known_valid", area: { type: "Polygon", coordinates: [VALID_RING] } }),
    }),
  );
  expect(created.status).toBe(201);
  const vettingId = ((await created.json()) as { id: number }).id;
  const s = String(species);
  // A species with a fitted model (a small background keeps the fit short).
  process.env.MODEL_BACKGROUND = "600";
  layersDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-read-layers-"));
  await writeTestLayers(layersDir);
  const layerSet = await addLayerSet({ name: "Current", scenario: "current", year: null, dir: layersDir });
  const modelled = await addSpecies(db.pool, "Modelus readensis", "Read-side model");
  await insertRecords(db.pool, modelled, northWest(8, 8));
  expect(await handleFitModel({ speciesId: modelled })).toBe("fitted");
  const m = String(modelled);
  valid = {
    segments: {
      "/api/occurrences/{id}": { id: String(record) },
      "/api/vettings/{id}": { id: String(vettingId) },
      "/api/admin/users/{id}": { id: admin.id },
      "/api/admin/sync/{runId}/species": { runId: "latest" },
      "/api/basemap/{layer}": { layer: "countries.geojson" },
      "/api/auth/{...all}": { all: "get-session" },
      "/api/tiles/{speciesId}/{z}/{x}/{y}": { speciesId: s, z: "3", x: "7", y: "4.pbf" },
      "/api/species/{id}/distribution/{product}": { id: s, product: "range" },
      "/api/distributions/{speciesId}/model": { speciesId: m },
      // The tile over the test layers at zoom 5 (lib/suitability/test-fixtures.ts).
      "/api/distributions/{speciesId}/model/{scenario}/{z}/{x}/{y}": { speciesId: m, scenario: String(layerSet.id), z: "5", x: "28", y: "17.png" },
      "/api/distributions/{speciesId}/model/{scenario}/download": { speciesId: m, scenario: String(layerSet.id) },
      // Any other segment: the species (most routes take one), else "1".
      "*": { id: s, speciesId: s },
    },
    query: {
      q: ["mal", "fairy wren", ""],
      limit: ["5", "50"],
      userId: [admin.id],
      before: ["1"],
      format: ["csv", "geojson"],
      years: ["1990-2020"],
      yearFrom: ["1990"],
      yearTo: ["2020"],
      classifications: ["known_valid,assumed_valid", ""],
      classification: ["assumed_valid"],
      duplicates: ["show", "hide"],
      lon: ["130.9"],
      lat: ["-12.5"],
      radius: ["0.01"],
      v: ["1"],
      clusterId: ["1"],
      speciesId: [s],
      apiKey: [admin.key],
      species: [s, m],
      admin: ["sync"],
      contentious: ["include", "exclude"],
      download: ["1"],
    },
  };
  for (const entry of appRouteFiles()) {
    const module = (await import(/* @vite-ignore */ `@/${entry.file.replace(/\.ts$/, "")}`)) as { GET?: Handler };
    if (module.GET) routes.push({ entry, get: module.GET });
  }
});

afterAll(async () => {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  console.info(`reliability: read-side requests tried: ${total}\n${[...tried].map(([name, n]) => `  GET ${name}: ${n}`).join("\n")}`);
  await eventHub().stop();
  await stopQueue();
  await db?.drop();
  if (layersDir) await fs.rm(layersDir, { recursive: true, force: true });
});

const validSegment = (entry: AppEntry, name: string) => valid.segments[entry.pattern]?.[name] ?? valid.segments["*"][name] ?? "1";

/** An odd value or a valid one for a query parameter (its valid values, if any, first). */
const queryValue = (name: string) => (valid.query[name] ? fc.oneof(fc.constantFrom(...valid.query[name]), oddValue) : oddValue);

interface Case {
  segments: Record<string, string>;
  /** Known parameters, repeats and conflicts included (the same name more than once). */
  known: [string, string][];
  /** Parameters the route does not read. */
  unknown: [string, string][];
}

function cases(entry: AppEntry): fc.Arbitrary<Case> {
  const names = QUERY[entry.pattern] ?? [];
  const segment = (name: string) => fc.oneof(fc.constant(validSegment(entry, name)), oddValue.filter((v) => v !== "" && v !== "." && v !== ".."));
  const unknownName = fc.oneof(fc.constantFrom("x", "__proto__", "constructor", "callback", "_rsc", "q[]", "limit.max", "%00"), fc.string({ minLength: 1, maxLength: 12 })).filter((n) => !names.includes(n));
  return fc.record({
    segments: fc.record(Object.fromEntries(entry.segments.map((name) => [name, segment(name)]))),
    known: names.length ? fc.array(fc.constantFrom(...names).chain((name) => queryValue(name).map((v): [string, string] => [name, v])), { maxLength: 5 }) : fc.constant([]),
    unknown: fc.array(fc.tuple(unknownName, oddValue), { maxLength: 2 }),
  });
}

function request(entry: AppEntry, c: Case, withUnknown = true): Request {
  const query = new URLSearchParams([...c.known, ...(withUnknown ? c.unknown : [])]).toString();
  const headers = { authorization: `Bearer ${admin.key}`, "x-forwarded-for": "10.0.0.1" };
  return new Request(`${ORIGIN}${fillPattern(entry, c.segments)}${query ? `?${query}` : ""}`, { headers });
}

/** The property: a 4xx with the contract's `{ error, message }`, or an answer; never a 5xx. */
async function expectAnswered(entry: AppEntry, response: Response): Promise<{ status: number; body: string }> {
  tried.set(entry.pattern, (tried.get(entry.pattern) ?? 0) + 1);
  const body = await boundedText(response);
  const what = `GET ${entry.pattern} answered ${response.status}: ${body.slice(0, 300)}`;
  expect(response.status, what).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get("content-type"), what).toMatch(/^application\/json/);
    const json = JSON.parse(body);
    expect(json, what).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
    expect(json.message.trim(), what).not.toBe("");
  } else if (response.headers.get("content-type")?.startsWith("application/json")) {
    expect(() => JSON.parse(body), what).not.toThrow();
  }
  return { status: response.status, body };
}

/**
 * The body; of a live-update stream, its first message (the snapshot, or what was missed), after
 * which the stream is closed as a browser tab closes it: the stream itself never ends.
 */
async function boundedText(response: Response): Promise<string> {
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) return response.text();
  const reader = new SseReader(response.body!);
  try {
    const first = await reader.next();
    expect(first, "a live-update stream opened with no message").not.toBeNull();
    return `event: ${first!.event}\ndata: ${first!.data}`;
  } finally {
    await reader.cancel();
  }
}

/** Answers that legitimately differ between two identical requests (times, fresh ids). */
const stable = (body: string) => body.replace(/"(generatedAt|now|checkedAt|expiresAt|updatedAt|nextRunAt)":"[^"]*"/g, "");

describe("every GET route refuses odd input with a 4xx, or answers it; never a 5xx", () => {
  it("the routes were found on disk", () => {
    const patterns = routes.map((r) => r.entry.pattern);
    expect(patterns).toEqual(expect.arrayContaining(["/api/species", "/api/tiles/{speciesId}/{z}/{x}/{y}", "/api/occurrences/{id}", "/api/basemap/{layer}"]));
  });

  it("the valid values reach real answers: a model tile, both model downloads, a live-update stream's snapshot", async () => {
    const answer = async (pattern: string, query = "") => {
      const route = routes.find((r) => r.entry.pattern === pattern)!;
      const segments = Object.fromEntries(route.entry.segments.map((name) => [name, validSegment(route.entry, name)]));
      const response = await route.get(request(route.entry, { segments, known: [...new URLSearchParams(query)], unknown: [] }), params(segments));
      return { type: response.headers.get("content-type"), ...(await expectAnswered(route.entry, response)) };
    };
    expect(await answer("/api/distributions/{speciesId}/model/{scenario}/{z}/{x}/{y}")).toMatchObject({ status: 200, type: "image/png" });
    expect(await answer("/api/distributions/{speciesId}/model/{scenario}/download")).toMatchObject({ status: 200, type: "image/tiff" });
    expect(JSON.parse((await answer("/api/distributions/{speciesId}/model", "download=1")).body)).toMatchObject({ version: 1, model: expect.any(Object) });
    for (const query of [`species=${valid.query.species[1]}`, "admin=sync"]) {
      const stream = await answer("/api/events", query);
      expect(stream, query).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/event-stream/) });
      expect(stream.body, query).toMatch(/^event: snapshot\n/);
    }
  });

  it("odd path segments and query values; repeated, conflicting and unknown parameters change nothing unknown", { timeout: 600_000 }, async () => {
    for (const { entry, get } of routes) {
      await fc.assert(
        fc.asyncProperty(cases(entry), async (c) => {
          const answer = await expectAnswered(entry, await get(request(entry, c), params(c.segments)));
          // Unknown parameters are ignored (the same answer without them) or refused (strict routes).
          if (answer.status === 200 && c.unknown.length) {
            const without = await expectAnswered(entry, await get(request(entry, c, false), params(c.segments)));
            expect(without.status).toBe(200);
            expect(stable(without.body), `GET ${entry.pattern}: unknown parameters changed the answer`).toBe(stable(answer.body));
          }
        }),
        { numRuns: RUNS },
      );
    }
  });

  it("numbers where numbers belong: -1, 0, fractions, 1e309, NaN, Infinity, 20 digits, hex, empty", { timeout: 600_000 }, async () => {
    const numeric = ["limit", "before", "lon", "lat", "radius", "v", "clusterId", "speciesId", "yearFrom", "yearTo"];
    for (const { entry, get } of routes) {
      const names = (QUERY[entry.pattern] ?? []).filter((n) => numeric.includes(n));
      if (!names.length && !entry.segments.length) continue;
      const arb = fc.record({
        segments: fc.record(Object.fromEntries(entry.segments.map((name) => [name, fc.oneof(fc.constant(validSegment(entry, name)), oddNumber.filter((v) => v !== "" && v !== "."))]))),
        known: fc.array(names.length ? fc.constantFrom(...names).chain((n) => oddNumber.map((v): [string, string] => [n, v])) : fc.constant<[string, string]>(["x", "1"]), { maxLength: 3 }),
        unknown: fc.constant<[string, string][]>([]),
      });
      await fc.assert(
        fc.asyncProperty(arb, async (c) => {
          await expectAnswered(entry, await get(request(entry, c), params(c.segments)));
        }),
        { numRuns: RUNS / 2 },
      );
    }
  });
});

describe("text parameters refuse control characters with a 400 naming the parameter", () => {
  const withControl = oddText.filter((t) => /[\u0000-\u001f\u007f-\u009f]/.test(t) && t.length <= 200);

  it.each([
    ["/api/species", "q"],
    ["/api/admin/keys", "userId"],
  ])("GET %s?%s=…", async (pattern, name) => {
    const route = routes.find((r) => r.entry.pattern === pattern)!;
    await fc.assert(
      fc.asyncProperty(withControl, async (value) => {
        const response = await route.get(request(route.entry, { segments: {}, known: [[name, value]], unknown: [] }), params({}));
        const { status, body } = await expectAnswered(route.entry, response);
        expect(status).toBe(400);
        expect(JSON.parse(body).message).toMatch(new RegExp(`^${name}: must not contain control characters`));
      }),
      { numRuns: RUNS / 2 },
    );
  });

});
