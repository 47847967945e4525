import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE, startSimulator, type Simulator } from "./index";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ records: 5000, seed: 7 });
});
afterAll(() => sim.close());

type Page = { totalRecords: number; pageSize: number; startIndex: number; sort: string; dir: string; status: string; occurrences: Record<string, unknown>[] };
type Facet = { fieldName: string; count: number; fieldResult: { label: string; i18nCode: string; count: number; fq: string }[] };

async function get<T = unknown>(path: string, params: Record<string, string | string[] | number> = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const url = new URL(sim.url + path);
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(x));
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, headers: res.headers };
}

const search = async (params: Record<string, string | string[] | number>) => (await get<Page>("/occurrences/search", params)).body;
const total = async (...fq: string[]) => (await search({ q: "*:*", fq, pageSize: 0 })).totalRecords;
const q = (s: string) => `"${s}"`;

/** The species with the most records, and one with a few hundred (to page through). */
function speciesBySize() {
  const list = sim.world.speciesList().sort((a, b) => b.count - a.count);
  return { biggest: list[0], mid: list.find((s) => s.count < 300)! };
}

describe("GET /occurrences/search", () => {
  it("answers the envelope of the real service", async () => {
    const page = await search({ q: "*:*", pageSize: 3 });
    expect(page).toMatchObject({ totalRecords: 5000, pageSize: 3, startIndex: 0, sort: "score", dir: "asc", status: "OK" });
    expect(page.occurrences).toHaveLength(3);
  });

  it("has the same keys and value types as the recorded ALA answer", async () => {
    const fixture = JSON.parse(readFileSync("/work/shared/fixtures/ala/occurrences-search.example.json", "utf8"));
    const page = await search({ q: "*:*", pageSize: 200 });
    for (const key of Object.keys(fixture)) expect(page).toHaveProperty(key);
    const typeOf = (v: unknown) => (Array.isArray(v) ? "array" : typeof v);
    const example = fixture.occurrences[0] as Record<string, unknown>;
    // Optional fields are absent on some records, as on the real service; where present, types match.
    const seen = new Set<string>();
    for (const record of page.occurrences) {
      for (const [k, v] of Object.entries(record)) {
        if (k in example) {
          expect({ k, type: typeOf(v) }).toEqual({ k, type: typeOf(example[k]) });
          seen.add(k);
        }
      }
    }
    expect([...Object.keys(example)].filter((k) => !seen.has(k))).toEqual([]);
  });

  it("filters by species with legacy and current names, quoted values and negation", async () => {
    const { biggest } = speciesBySize();
    const legacy = await total(`species_guid:${q(biggest.guid)}`);
    expect(legacy).toBe(biggest.count);
    expect(await total(`speciesID:${q(biggest.guid)}`)).toBe(legacy);
    expect(await total(`taxonConceptID:${q(biggest.guid)}`)).toBe(legacy);
    expect(await total(`taxon_concept_lsid:${q(biggest.guid)}`)).toBe(legacy);
    expect(await total(`-species_guid:${q(biggest.guid)}`)).toBe(5000 - legacy);
    expect(await total(`scientificName:${q(biggest.scientificName)}`)).toBe(legacy);
    const page = await search({ fq: `speciesID:${q(biggest.guid)}`, pageSize: 50 });
    expect(page.occurrences.every((r) => r.speciesGuid === biggest.guid)).toBe(true);
  });

  it("refuses an unquoted URL value and unknown fields with 400, like Solr", async () => {
    const { biggest } = speciesBySize();
    const bad = await get<{ status: number; message: string }>("/occurrences/search", { fq: `species_guid:${biggest.guid}` });
    expect(bad.status).toBe(400);
    const unknown = await get<{ status: number; message: string; error: string }>("/occurrences/search", { fq: "notAField:1" });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ status: 400, error: "Bad Request" });
    expect(unknown.body.message).toContain("notAField");
    expect((await get("/occurrences/search", { sort: "nonsense" })).status).toBe(400);
  });

  it("knows the bird filters in both styles", async () => {
    for (const fq of ["class:Aves", "species_group:Birds", "speciesGroup:Birds"]) expect(await total(fq)).toBe(5000);
    expect(await total("class:Mammalia")).toBe(0);
  });

  it("splits the records by basis of record, duplicate status, validity and images consistently", async () => {
    const observed = await total("basis_of_record:HUMAN_OBSERVATION");
    expect(await total("basisOfRecord:HUMAN_OBSERVATION")).toBe(observed);
    expect(observed + (await total("-basisOfRecord:HUMAN_OBSERVATION"))).toBe(5000);
    const r = await total("duplicate_status:R");
    const d = await total("duplicateStatus:D");
    expect(r).toBeGreaterThan(0);
    expect(d).toBeGreaterThanOrEqual(r);
    const valid = await total("spatiallyValid:true");
    const invalid = await total("geospatial_kosher:false");
    expect(valid).toBeGreaterThan(4000);
    expect(invalid).toBeGreaterThan(0);
    expect(await total("-spatiallyValid:true")).toBe(5000 - valid);
    expect(await total("multimedia:Image")).toBeGreaterThan(0);
    expect(await total("sensitive:generalised")).toBeGreaterThan(0);
    expect(await total("assertions:ZERO_COORDINATE", "-spatiallyValid:false")).toBe(0);
  });

  it("supports OR, parentheses and the ALA quality profile's filters", async () => {
    const a = await total("basisOfRecord:PRESERVED_SPECIMEN");
    const b = await total("basisOfRecord:MATERIAL_SAMPLE");
    expect(await total("basisOfRecord:(PRESERVED_SPECIMEN OR MATERIAL_SAMPLE)")).toBe(a + b);
    expect(await total("(basisOfRecord:PRESERVED_SPECIMEN OR basisOfRecord:MATERIAL_SAMPLE)")).toBe(a + b);
    // Many species in one clause, as the sync asks for a download; with another field, record by record.
    const list = sim.world.speciesList().slice(0, 12);
    const ids = list.map((x) => q(x.guid)).join(" OR ");
    expect(await total(`speciesID:(${ids})`)).toBe(list.reduce((n, x) => n + x.count, 0));
    const specimens = await Promise.all(list.map((x) => total(`speciesID:${q(x.guid)}`, "basisOfRecord:PRESERVED_SPECIMEN")));
    expect(await total(`speciesID:(${ids})`, "basisOfRecord:PRESERVED_SPECIMEN")).toBe(specimens.reduce((n, c) => n + c, 0));
    expect(await total(`(speciesID:${q(list[0].guid)} OR basisOfRecord:PRESERVED_SPECIMEN)`)).toBe(list[0].count + a - specimens[0]);
    const profile = JSON.parse(readFileSync("/work/shared/fixtures/ala/quality-filters-ALA-profile.json", "utf8")) as string[];
    const kept = await total(...profile);
    expect(kept).toBeGreaterThan(3000);
    expect(kept).toBeLessThan(5000);
  });

  it("filters numeric and date ranges, open-ended and with ISO dates", async () => {
    const old = await total("year:[* TO 1950]");
    const recent = await total("year:[1951 TO *]");
    const none = await total("-year:*");
    expect(old).toBeGreaterThan(0);
    expect(old + recent + none).toBe(5000);
    expect(await total("year:{1950 TO *]")).toBe(recent);
    const since = "2024-01-01T00:00:00Z";
    const after = await total(`lastLoadDate:[${since} TO *]`);
    const before = await total(`last_load_date:[* TO ${since}}`);
    expect(after).toBeGreaterThan(0);
    expect(after + before).toBe(5000);
    expect(await total(`dateLastModified:[${since} TO *]`)).toBe(after);
    const page = await search({ fq: `lastLoadDate:[${since} TO *]`, pageSize: 100 });
    expect(page.occurrences.every((r) => (r.lastLoadDate as number) >= Date.parse(since))).toBe(true);
    expect(await total(`firstLoadedDate:[${since} TO *]`)).toBe(await total(`first_loaded_date:[${since} TO *]`));
    expect((await get("/occurrences/search", { fq: "lastLoadDate:[2024-01-01 TO *]" })).status).toBe(400);
  });

  it("pages stably within a species with sort=id: pages concatenate to the whole set", async () => {
    const { mid } = speciesBySize();
    const fq = `species_guid:${q(mid.guid)}`;
    const seen: string[] = [];
    for (let start = 0; ; start += 7) {
      const page = await search({ fq, sort: "id", dir: "asc", pageSize: 7, startIndex: start });
      expect(page.totalRecords).toBe(mid.count);
      seen.push(...page.occurrences.map((r) => r.uuid as string));
      if (page.occurrences.length < 7) break;
    }
    expect(seen).toHaveLength(mid.count);
    expect(new Set(seen).size).toBe(mid.count);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen)).toEqual(new Set(sim.world.speciesUuids(mid.guid)));
    expect((await search({ fq, sort: "id", dir: "asc", pageSize: 7, start: 7 })).occurrences.map((r) => r.uuid)).toEqual(seen.slice(7, 14));
    const desc = await search({ fq, sort: "uuid", dir: "desc", pageSize: 3 });
    expect(desc.occurrences.map((r) => r.uuid)).toEqual(seen.slice(-3).reverse());
  });

  it("sorts by lastLoadDate in both directions", async () => {
    const asc = await search({ q: "*:*", sort: "last_load_date", dir: "asc", pageSize: 100, startIndex: 2000 });
    const times = asc.occurrences.map((r) => r.lastLoadDate as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const desc = await search({ q: "*:*", sort: "lastLoadDate", dir: "desc", pageSize: 5 });
    const max = Math.max(...Object.values(sim.world.cols.lastLoad.subarray(0, 5000)));
    expect(desc.occurrences[0].lastLoadDate).toBe(max);
  });

  it("caps pageSize at the service maximum", async () => {
    const page = await search({ q: "*:*", pageSize: 5000 });
    expect(page.pageSize).toBe(MAX_PAGE_SIZE);
    expect(page.occurrences).toHaveLength(MAX_PAGE_SIZE);
  });

  it("returns only the fields of fl, and image metadata with im=true", async () => {
    const page = await search({ q: "*:*", fq: "multimedia:Image", fl: "id,species_guid,decimalLatitude,lastLoadDate", pageSize: 5 });
    for (const r of page.occurrences) {
      expect(Object.keys(r).every((k) => ["uuid", "speciesGuid", "decimalLatitude", "latLong", "lastLoadDate"].includes(k))).toBe(true);
      expect(r.uuid).toBeTypeOf("string");
    }
    const withImages = await search({ q: "*:*", fq: "multimedia:Image", im: "true", pageSize: 5 });
    for (const r of withImages.occurrences) {
      const meta = r.imageMetadata as Record<string, unknown>[];
      expect(meta).toHaveLength((r.images as string[]).length);
      expect(meta[0]).toMatchObject({ imageIdentifier: (r.images as string[])[0], mimeType: expect.stringMatching(/^image\//) });
    }
    const without = await search({ q: "*:*", fq: "multimedia:Image", pageSize: 1 });
    expect(without.occurrences[0]).not.toHaveProperty("imageMetadata");
  });

  it("answers q as free text over the names, or as a query like fq", async () => {
    const { biggest } = speciesBySize();
    const word = biggest.vernacularName.split(" ").at(-1)!;
    const text = await search({ q: word, pageSize: 50 });
    expect(text.totalRecords).toBeGreaterThanOrEqual(biggest.count);
    expect(text.occurrences.every((r) => `${r.vernacularName} ${r.scientificName}`.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    expect((await search({ q: `speciesID:${q(biggest.guid)}`, pageSize: 0 })).totalRecords).toBe(biggest.count);
    expect((await search({ q: `speciesID:${q(biggest.guid)}`, fq: "basisOfRecord:HUMAN_OBSERVATION", pageSize: 0 })).totalRecords).toBe(
      await total(`speciesID:${q(biggest.guid)}`, "basisOfRecord:HUMAN_OBSERVATION"),
    );
    expect((await get("/occurrences/search", { q: "year:[1 TO" })).status).toBe(400);
  });

  it("adds facet results unless facet=off", async () => {
    const withFacets = await get<Page & { facetResults: Facet[] }>("/occurrences/search", { q: "*:*", pageSize: 0, facets: "basisOfRecord", flimit: 3 });
    expect(withFacets.body.facetResults).toHaveLength(1);
    expect(withFacets.body.facetResults[0]).toMatchObject({ fieldName: "basisOfRecord" });
    expect(withFacets.body.facetResults[0].fieldResult).toHaveLength(3);
    const off = await get<Page & { facetResults: Facet[] }>("/occurrences/search", { q: "*:*", pageSize: 0, facets: "basisOfRecord", facet: "off" });
    expect(off.body.facetResults).toEqual([]);
  });

  it("gives the same page for the same request, in any sort, while the index does not change", async () => {
    const sorts: Record<string, string>[] = [{ sort: "id", dir: "asc" }, { sort: "lastLoadDate", dir: "desc" }, {}];
    for (const params of sorts) {
      const p = { q: "*:*", pageSize: 50, startIndex: 1234, ...params };
      expect((await search(p)).occurrences.map((r) => r.uuid)).toEqual((await search(p)).occurrences.map((r) => r.uuid));
    }
    // Default ("score") order pages concatenate without gaps or repeats, like sort=id.
    const a = await search({ q: "*:*", pageSize: 100, startIndex: 0 });
    const b = await search({ q: "*:*", pageSize: 100, startIndex: 100 });
    const both = await search({ q: "*:*", pageSize: 200, startIndex: 0 });
    expect([...a.occurrences, ...b.occurrences].map((r) => r.uuid)).toEqual(both.occurrences.map((r) => r.uuid));
  });

  it("refuses a pageSize or startIndex that is not a whole number, like Spring does", async () => {
    const bad: Record<string, string>[] = [{ pageSize: "ten" }, { pageSize: "-1" }, { startIndex: "1.5" }];
    for (const params of bad) {
      const r = await get<{ status: number; message: string }>("/occurrences/search", params);
      expect(r.status).toBe(400);
      expect(r.body.message).toEqual(expect.any(String));
    }
    expect((await search({ q: "*:*", pageSize: 5, startIndex: 999_999 })).occurrences).toEqual([]);
  });

  it("applies a data quality profile only when asked, and none with disableAllQualityFilters", async () => {
    const profile = JSON.parse(readFileSync("/work/shared/fixtures/ala/quality-filters-ALA-profile.json", "utf8")) as string[];
    const filtered = await total(...profile);
    expect(filtered).toBeLessThan(5000);
    expect((await search({ q: "*:*", pageSize: 0 })).totalRecords).toBe(5000);
    expect((await search({ q: "*:*", pageSize: 0, qualityProfile: "ALA" })).totalRecords).toBe(filtered);
    expect((await search({ q: "*:*", pageSize: 0, qualityProfile: "ALA", disableAllQualityFilters: "true" })).totalRecords).toBe(5000);
    const facet = await get<Facet[]>("/occurrences/facets", { facets: "basisOfRecord", flimit: -1, qualityProfile: "ALA" });
    expect(facet.body[0].fieldResult.reduce((n, r) => n + r.count, 0)).toBe(filtered);
  });

  it("accepts the legacy /ws prefix", async () => {
    expect((await get<Page>("/ws/occurrences/search", { pageSize: 0 })).body.totalRecords).toBe(5000);
  });
});

describe("GET /occurrences/facets", () => {
  it("counts species; the counts add up to totalRecords", async () => {
    const { body } = await get<Facet[]>("/occurrences/facets", { q: "*:*", facets: "species_guid", flimit: -1 });
    expect(body).toHaveLength(1);
    const [facet] = body;
    expect(facet.fieldName).toBe("species_guid");
    expect(facet.fieldResult.reduce((a, r) => a + r.count, 0)).toBe(5000);
    expect(facet.count).toBe(facet.fieldResult.length);
    const first = facet.fieldResult[0];
    expect(first).toEqual({ label: first.label, i18nCode: `species_guid.${first.label}`, count: first.count, fq: `species_guid:"${first.label}"` });
    // The fq of a facet value selects exactly that many records.
    expect(await total(first.fq)).toBe(first.count);
    const counts = facet.fieldResult.map((r) => r.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it("pages with flimit and foffset", async () => {
    const all = (await get<Facet[]>("/occurrences/facets", { facets: "speciesID", flimit: -1 })).body[0].fieldResult;
    const pages: string[] = [];
    for (let offset = 0; offset < all.length; offset += 40) {
      const { body } = await get<Facet[]>("/occurrences/facets", { facets: "speciesID", flimit: 40, foffset: offset });
      expect(body[0].fieldResult.length).toBeLessThanOrEqual(40);
      pages.push(...body[0].fieldResult.map((r) => r.label));
    }
    expect(pages).toEqual(all.map((r) => r.label));
    const defaults = (await get<Facet[]>("/occurrences/facets", { facets: "speciesID" })).body[0].fieldResult;
    expect(defaults).toHaveLength(30);
  });

  it("facets within filters, several fields, and leaves out empty facets", async () => {
    const fq = "basisOfRecord:PRESERVED_SPECIMEN";
    const n = await total(fq);
    const { body } = await get<Facet[]>("/occurrences/facets", { fq, facets: "basis_of_record,year", flimit: -1 });
    expect(body.map((f) => f.fieldName)).toEqual(["basis_of_record", "year"]);
    expect(body[0].fieldResult).toEqual([{ label: "PRESERVED_SPECIMEN", i18nCode: "basis_of_record.PRESERVED_SPECIMEN", count: n, fq: 'basis_of_record:"PRESERVED_SPECIMEN"' }]);
    const empty = await get<Facet[]>("/occurrences/facets", { fq: "class:Mammalia", facets: "species_guid" });
    expect(empty.body).toEqual([]);
    expect((await get("/occurrences/facets", { facets: "nope" })).status).toBe(400);
  });
});

describe("other endpoints", () => {
  it("GET /occurrence/{uuid} gives the full record; unknown ids are 404", async () => {
    const page = await search({ q: "*:*", fq: "multimedia:Image", pageSize: 1 });
    const uuid = page.occurrences[0].uuid as string;
    const { status, body } = await get<Record<string, any>>(`/occurrence/${uuid}`);
    expect(status).toBe(200);
    expect(body.processed.uuid).toBe(uuid);
    expect(body.raw.occurrence).toBeTypeOf("object");
    expect(body.processed.classification.scientificName).toBe(page.occurrences[0].scientificName);
    expect(Object.keys(body.systemAssertions)).toEqual(expect.arrayContaining(["failed", "warning", "passed", "missing"]));
    expect(body.images.length).toBeGreaterThan(0);
    expect((await get("/occurrence/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("GET /occurrence/deleted is an empty list by default and needs a date", async () => {
    expect((await get("/occurrence/deleted", { date: "2000-01-01" })).body).toEqual([]);
    expect((await get("/occurrence/deleted")).status).toBe(400);
  });

  it("GET /assertions/codes lists both code styles with category and fatal flag", async () => {
    const { body } = await get<{ name: string; code: number; category: string; fatal: boolean }[]>("/assertions/codes");
    const byName = new Map(body.map((c) => [c.name, c]));
    expect(byName.get("ZERO_COORDINATE")).toMatchObject({ code: 4, fatal: true, category: "Warning" });
    expect(byName.get("zeroCoordinates")).toMatchObject({ code: 4, fatal: true, deprecated: true, newName: "ZERO_COORDINATE" });
    expect(new Set(body.map((c) => c.category))).toEqual(new Set(["Error", "Warning", "Missing", "Comment"]));
  });
});
