// The species and occurrence endpoints over HTTP semantics: statuses, headers, JSON errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDataset, addManyRecords, addRecord, addSpecies } from "@/lib/occurrences/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { GET as occurrence } from "../occurrences/[id]/route";
import { GET as download } from "./[id]/occurrences/route";
import { GET as detail } from "./[id]/route";
import { GET as stack } from "./[id]/stack/route";
import { GET as summary } from "./[id]/summary/route";
import { GET as search } from "./route";

let db: TestDatabase;
let species: number;
let record: number;

beforeAll(async () => {
  db = await createTestDatabase();
  species = await addSpecies(db.pool, "Malurus cyaneus", "Superb Fairy-wren");
  const dataset = await addDataset(db.pool, "dr1", "Birdata", "BirdLife Australia", "CC-BY 4.0 (Int)");
  await addManyRecords(db.pool, species, 400, dataset);
  // Three records stacked at one position, one of them a duplicate.
  for (const duplicateStatus of [0, 0, 3]) record = (await addRecord(db.pool, species, { lat: -12.5, lon: 130.9, datasetId: dataset, duplicateStatus })).id;
  await db.pool.query(
    `UPDATE species s SET occurrence_count = c.n, assumed_valid_count = c.av, contentious_count = c.ct, data_version = 7, last_synced_at = '2026-01-02T03:04:05Z'
       FROM (SELECT count(*)::int AS n, (count(*) FILTER (WHERE classification = 2))::int AS av, (count(*) FILTER (WHERE contentious))::int AS ct
               FROM classified_occurrences WHERE species_id = $1) c WHERE s.id = $1`,
    [species],
  );
});
afterAll(() => db.drop());

const call = <P extends Record<string, string>>(handler: (r: Request, c: { params: Promise<P> }) => Promise<Response>, path: string, params = {} as P) =>
  handler(new Request(`http://edgar.test${path}`), { params: Promise.resolve(params) });

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await response.json();
  expect(body).toEqual({ error, message: expect.any(String) });
  expect(body.message.length).toBeGreaterThan(5);
}

describe("GET /api/species", () => {
  it("answers the contract's shape", async () => {
    const res = await call(search, "/api/species?q=fairy&limit=5");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ id: species, guid: "urn:lsid:test:malurus-cyaneus", scientificName: "Malurus cyaneus", commonName: "Superb Fairy-wren", occurrenceCount: 403 }]);
  });

  it.each([
    ["/api/species?limit=0", "invalid_query"],
    ["/api/species?limit=abc", "invalid_query"],
    ["/api/species?limit=2.5", "invalid_query"],
    ["/api/species?limit=1000", "invalid_query"],
    [`/api/species?q=${"a".repeat(201)}`, "invalid_query"],
  ])("%s → 400", async (path, error) => expectError(await call(search, path), 400, error));
});

describe("GET /api/species/{id}", () => {
  it("gives counts, contentious count, data version and last sync", async () => {
    const res = await call(detail, `/api/species/${species}`, { id: String(species) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({
      id: species,
      guid: "urn:lsid:test:malurus-cyaneus",
      scientificName: "Malurus cyaneus",
      commonName: "Superb Fairy-wren",
      occurrenceCount: 403,
      counts: { knownValid: 0, assumedValid: expect.any(Number), assumedInvalid: 0, knownInvalid: 0 },
      contentiousCount: expect.any(Number),
      dataVersion: 7,
      lastSyncedAt: "2026-01-02T03:04:05.000Z",
      reclassifying: false,
      vettingsVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(body.counts.assumedValid).toBeGreaterThan(0);
  });

  it("404 for an unknown species, 400 for a malformed id", async () => {
    await expectError(await call(detail, "/api/species/999999", { id: "999999" }), 404, "species_not_found");
    for (const id of ["abc", "0", "-1", "1.5", "99999999999"]) await expectError(await call(detail, `/api/species/${id}`, { id }), 400, "invalid_species");
  });
});

describe("GET /api/species/{id}/summary", () => {
  it("counts per year and category and the records matching the filters", async () => {
    const res = await call(summary, `/api/species/${species}/summary?years=1990-1999`, { id: String(species) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.dataVersion).toBe(7);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM occurrences WHERE species_id = $1 AND year BETWEEN 1990 AND 1999 AND duplicate_status <> 3",
      [species],
    );
    expect(body.matching.count).toBe(rows[0].n);
    expect(body.years[0]).toEqual({ year: 1950, knownValid: expect.any(Number), assumedValid: expect.any(Number), assumedInvalid: expect.any(Number), knownInvalid: expect.any(Number) });
  });

  it.each([
    ["years=1999-1990", "invalid_filters"],
    ["years=abc", "invalid_filters"],
    ["classifications=valid", "invalid_filters"],
    ["duplicates=maybe", "invalid_filters"],
    ["yearFrom=12", "invalid_filters"],
  ])("%s → 400", async (query, error) => expectError(await call(summary, `/api/species/${species}/summary?${query}`, { id: String(species) }), 400, error));

  it("404 for an unknown species", async () => expectError(await call(summary, "/api/species/424242/summary", { id: "424242" }), 404, "species_not_found"));
});

describe("GET /api/species/{id}/occurrences", () => {
  it("streams a CSV attachment named after the species", async () => {
    const res = await call(download, `/api/species/${species}/occurrences?format=csv&classification=assumed_valid`, { id: String(species) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="malurus-cyaneus-occurrences-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^occurrenceID,scientificName,vernacularName,/);
    expect(lines.slice(1).every((l) => l.includes(",assumed_valid,"))).toBe(true);
  });

  it("GeoJSON as application/geo+json", async () => {
    const res = await call(download, `/api/species/${species}/occurrences?format=geojson`, { id: String(species) });
    expect(res.headers.get("content-type")).toBe("application/geo+json");
    expect(res.headers.get("content-disposition")).toMatch(/\.geojson"$/);
    expect((await res.json()).type).toBe("FeatureCollection");
  });

  it.each([
    ["format=xml", "invalid_format"],
    ["format=csv&classification=bogus", "invalid_filters"],
    ["format=csv&classification=known_valid&classifications=known_valid", "invalid_filters"],
    ["format=csv&years=2000", "invalid_filters"],
  ])("%s → 400", async (query, error) => expectError(await call(download, `/api/species/${species}/occurrences?${query}`, { id: String(species) }), 400, error));

  it("404 for an unknown species", async () =>
    expectError(await call(download, "/api/species/424242/occurrences?format=csv", { id: "424242" }), 404, "species_not_found"));
});

describe("GET /api/species/{id}/stack", () => {
  it("lists the records at the position nearest the click, under the filters", async () => {
    const res = await call(stack, `/api/species/${species}/stack?lon=130.901&lat=-12.499`, { id: String(species) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.position).toEqual({ lon: 130.9, lat: -12.5 });
    expect(body.total).toBe(2); // the duplicate is hidden, as on the map
    const all = await (await call(stack, `/api/species/${species}/stack?lon=130.9&lat=-12.5&duplicates=show&limit=1`, { id: String(species) })).json();
    expect(all.total).toBe(3);
    expect(all.records).toHaveLength(1);
    expect(all.records[0]).toEqual({ id: expect.any(Number), eventDate: null, basisOfRecord: "HUMAN_OBSERVATION", classification: "assumed_valid", contentious: false });
  });

  it("is empty when nothing is near", async () => {
    const body = await (await call(stack, `/api/species/${species}/stack?lon=0&lat=0`, { id: String(species) })).json();
    expect(body).toEqual({ position: null, total: 0, records: [] });
  });

  it.each([["lat=1"], ["lon=200&lat=1"], ["lon=1&lat=1&radius=5"], ["lon=x&lat=1"]])("%s → 400", async (query) =>
    expectError(await call(stack, `/api/species/${species}/stack?${query}`, { id: String(species) }), 400, "invalid_query"));
});

describe("GET /api/occurrences/{id}", () => {
  it("gives the record with its attribution", async () => {
    const res = await call(occurrence, `/api/occurrences/${record}`, { id: String(record) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: record,
      species: { scientificName: "Malurus cyaneus", commonName: "Superb Fairy-wren" },
      dataset: { name: "Birdata", providerName: "BirdLife Australia", license: "CC-BY 4.0 (Int)" },
      duplicateStatus: "D",
      images: [],
    });
  });

  it("404 for an unknown record, 400 for a malformed id", async () => {
    await expectError(await call(occurrence, "/api/occurrences/55555555", { id: "55555555" }), 404, "occurrence_not_found");
    for (const id of ["x", "0", "1e3"]) await expectError(await call(occurrence, `/api/occurrences/${id}`, { id }), 400, "invalid_occurrence");
  });
});
