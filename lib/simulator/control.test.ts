/**
 * The control API (`/__control/...`) over HTTP: changing the world between syncs and reading the
 * ground truth back, with the ALA endpoints showing every change; bad requests get clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator, type SpeciesSummary, type Truth } from "./index";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ records: 2000, seed: 23 });
});
afterAll(() => sim.close());

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}/__control${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
const post = <T = Record<string, unknown>>(path: string, body: unknown) => call<T>("POST", path, body);

async function search(...fq: string[]): Promise<{ totalRecords: number; occurrences: Record<string, unknown>[] }> {
  const url = new URL(`${sim.url}/occurrences/search`);
  for (const f of fq) url.searchParams.append("fq", f);
  url.searchParams.set("pageSize", "100");
  return (await fetch(url)).json() as never;
}
const speciesFq = (guid: string) => `speciesID:"${guid}"`;
const uuidFq = (uuids: string[]) => `id:(${uuids.map((u) => `"${u}"`).join(" OR ")})`;
const truth = async () => (await call<Truth>("GET", "/truth")).body;
const speciesList = async () => (await call<SpeciesSummary[]>("GET", "/species")).body;
const bySize = async () => (await speciesList()).sort((a, b) => b.count - a.count);

describe("/__control", () => {
  it("GET / summarises the world, the clock, the deleted service and the faults", async () => {
    const { status, body } = await call("GET", "/");
    expect(status).toBe(200);
    expect(body).toMatchObject({ records: 2000, seed: 23, deletedService: false, clock: { frozen: false }, faults: { rules: [] } });
  });

  it("the clock can be frozen, moved and set back to real time; changes are stamped with it", async () => {
    const frozen = await post<{ now: string; frozen: boolean }>("/clock", { now: "2030-01-01T00:00:00Z" });
    expect(frozen.body).toMatchObject({ now: "2030-01-01T00:00:00.000Z", frozen: true });
    expect((await post("/clock", { advanceMs: 60_000 })).body).toMatchObject({ now: "2030-01-01T00:01:00.000Z" });
    const { body } = await post<{ uuids: string[] }>("/records/add", { count: 3 });
    const added = await search(uuidFq(body.uuids));
    expect(added.occurrences.map((r) => r.lastLoadDate)).toEqual([0, 1, 2].map(() => Date.parse("2030-01-01T00:01:00Z")));
    expect((await call("GET", "/clock")).body).toMatchObject({ frozen: true });
    expect((await post("/clock", { now: "not a time" })).status).toBe(400);
    const real = (await post<{ nowMs: number; frozen: boolean }>("/clock", { offsetMs: 0 })).body;
    expect(real.frozen).toBe(false);
    expect(Math.abs(real.nowMs - Date.now())).toBeLessThan(60_000);
  });

  it("adds records, to a species when asked; the search, the facets and the truth all show them", async () => {
    const before = await truth();
    const [species] = await bySize();
    const { status, body } = await post<{ uuids: string[] }>("/records/add", { count: 25, species: species.guid });
    expect(status).toBe(200);
    expect(body.uuids).toHaveLength(25);
    const after = await truth();
    expect(after.totalRecords).toBe(before.totalRecords + 25);
    expect(after.species[species.guid].total).toBe(before.species[species.guid].total + 25);
    expect(after.version).toBeGreaterThan(before.version);
    expect((await search(speciesFq(species.guid), uuidFq(body.uuids))).totalRecords).toBe(25);
    expect((await search()).totalRecords).toBe(after.totalRecords);
  });

  it("updates records' fields and stamps a new lastLoadDate", async () => {
    await post("/clock", { now: "2031-05-05T00:00:00Z" });
    const [uuid] = (await call<string[]>("GET", `/truth/species/${encodeURIComponent((await bySize())[1].guid)}/uuids`)).body;
    const { body } = await post<{ uuids: string[] }>("/records/update", {
      uuids: [uuid],
      set: { decimalLatitude: -33.5, decimalLongitude: 151.25, year: 2001, month: 2, day: 3, basisOfRecord: "PRESERVED_SPECIMEN", assertions: ["ZERO_COORDINATE"], duplicateStatus: "D", userAssertion: true },
    });
    expect(body.uuids).toEqual([uuid]);
    const [r] = (await search(uuidFq([uuid]))).occurrences;
    expect(r).toMatchObject({ decimalLatitude: -33.5, decimalLongitude: 151.25, year: 2001, month: "02", basisOfRecord: "PRESERVED_SPECIMEN", duplicateStatus: "D", lastLoadDate: Date.parse("2031-05-05T00:00:00Z") });
    expect(r.assertions).toContain("ZERO_COORDINATE");
    // Without `set`, a record is re-georeferenced: still a change with a new lastLoadDate.
    await post("/clock", { advanceMs: 1000 });
    await post("/records/update", { uuids: [uuid] });
    expect((await search(uuidFq([uuid]))).occurrences[0].lastLoadDate).toBe(Date.parse("2031-05-05T00:00:01Z"));
  });

  it("deletes records; the deleted service lists them only once switched on", async () => {
    await post("/clock", { now: "2032-03-04T12:00:00Z" });
    const before = (await truth()).totalRecords;
    const { body } = await post<{ uuids: string[] }>("/records/delete", { count: 7 });
    expect(body.uuids).toHaveLength(7);
    expect((await truth()).totalRecords).toBe(before - 7);
    expect((await search(uuidFq(body.uuids))).totalRecords).toBe(0);
    expect((await fetch(`${sim.url}/occurrence/${body.uuids[0]}`)).status).toBe(404);

    const deleted = async (date: string) => (await (await fetch(`${sim.url}/occurrence/deleted?date=${date}`)).json()) as string[];
    expect(await deleted("2032-03-04")).toEqual([]);
    expect((await post("/deleted-service", { enabled: true })).body).toEqual({ deletedService: true });
    expect((await deleted("2032-03-04")).sort()).toEqual([...body.uuids].sort());
    expect(await deleted("2032-03-05")).toEqual([]); // deleted before that day
    await post("/deleted-service", { enabled: false });
    expect(await deleted("2032-03-04")).toEqual([]);
  });

  it("splits a species: the western part of its records becomes a new species", async () => {
    const [species] = await bySize();
    const { body } = await post<{ species: SpeciesSummary; moved: number }>("/species/split", { guid: species.guid, fraction: 0.3, scientificName: "Testus splitus", vernacularName: "Split Bird" });
    expect(body.species).toMatchObject({ scientificName: "Testus splitus", vernacularName: "Split Bird", count: body.moved, retired: false });
    expect(body.moved).toBeGreaterThan(0);
    const t = await truth();
    expect(t.species[species.guid].total + t.species[body.species.guid].total).toBe(species.count);
    expect((await search(speciesFq(body.species.guid))).totalRecords).toBe(body.moved);
    expect((await search(`scientificName:"Testus splitus"`)).totalRecords).toBe(body.moved);
    expect((await post("/species/split", { guid: species.guid, newGuid: body.species.guid })).status).toBe(400);
  });

  it("merges one species into another, which then has all the records", async () => {
    const [, from, into] = await bySize();
    const { body } = await post<{ moved: number }>("/species/merge", { from: from.guid, into: into.guid });
    expect(body.moved).toBe(from.count);
    expect((await search(speciesFq(from.guid))).totalRecords).toBe(0);
    expect((await search(speciesFq(into.guid))).totalRecords).toBe(from.count + into.count);
    expect((await speciesList()).map((s) => s.guid)).not.toContain(from.guid);
    expect((await truth()).species[from.guid]).toBeUndefined();
    expect((await post("/species/merge", { from: into.guid, into: into.guid })).status).toBe(400);
  });

  it("retires a species with its records", async () => {
    const species = (await bySize()).at(-1)!;
    const before = (await truth()).totalRecords;
    expect((await post("/species/retire", { guid: species.guid })).body).toEqual({ deleted: species.count });
    expect((await truth()).totalRecords).toBe(before - species.count);
    expect((await search(speciesFq(species.guid))).totalRecords).toBe(0);
    expect((await post("/species/retire", { guid: species.guid })).status).toBe(404);
  });

  it("the truth agrees with the service: per species and per rating-relevant attribute", async () => {
    const t = await truth();
    const facet = (await (await fetch(`${sim.url}/occurrences/facets?facets=speciesID&flimit=-1`)).json()) as { fieldResult: { label: string; count: number }[] }[];
    expect(Object.fromEntries(facet[0].fieldResult.map((r) => [r.label, r.count]))).toEqual(Object.fromEntries(Object.values(t.species).map((s) => [s.guid, s.total])));
    const [species] = Object.values(t.species).sort((a, b) => b.total - a.total);
    for (const [bor, n] of Object.entries(species.basisOfRecord)) expect((await search(speciesFq(species.guid), `basisOfRecord:${bor}`)).totalRecords).toBe(n);
    for (const [dup, n] of Object.entries(species.duplicateStatus)) {
      if (dup !== "missing") expect((await search(speciesFq(species.guid), `duplicateStatus:${dup}`)).totalRecords).toBe(n);
    }
    expect((await search(speciesFq(species.guid), "multimedia:Image")).totalRecords).toBe(species.withImages);
    const uuids = (await call<string[]>("GET", `/truth/species/${encodeURIComponent(species.guid)}/uuids`)).body;
    expect(uuids).toHaveLength(species.total);
  });

  it("counts the ALA requests it answered, by endpoint, and resets the count", async () => {
    await call("DELETE", "/requests");
    await search();
    await fetch(`${sim.url}/occurrences/facets?facets=year`);
    await fetch(`${sim.url}/ws/image/nope`);
    expect((await call("GET", "/requests")).body).toMatchObject({ search: 1, facets: 1, image: 1, total: 3 });
    expect((await call("DELETE", "/requests")).body).toMatchObject({ total: 0 });
  });

  it("answers bad requests with a JSON error and changes nothing", async () => {
    const version = (await truth()).version;
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/records/add", "{not json", 400, "invalid_json"],
      ["POST", "/records/add", { count: 0 }, 400, "invalid_body"],
      ["POST", "/records/add", { count: "3" }, 400, "invalid_body"],
      ["POST", "/records/add", { count: 1, extra: true }, 400, "invalid_body"],
      ["POST", "/records/add", { count: 1, species: "urn:nope" }, 404, "not_found"],
      ["POST", "/records/update", { set: { year: 2000 } }, 400, "invalid_body"],
      ["POST", "/records/update", { uuids: ["00000000-0000-4000-8000-000000000000"] }, 404, "not_found"],
      ["POST", "/records/update", { count: 5, set: { assertions: ["notACode"] } }, 400, "bad_request"],
      ["POST", "/records/delete", {}, 400, "invalid_body"],
      ["POST", "/species/merge", { from: "urn:nope", into: "urn:nope2" }, 404, "not_found"],
      ["POST", "/faults", { rules: [{ mode: "500", rate: 0.7 }, { mode: "503", rate: 0.7 }] }, 400, "bad_request"],
      ["POST", "/faults", { rules: [{ mode: "teapot", rate: 0.1 }] }, 400, "invalid_body"],
      ["POST", "/records/add", JSON.stringify({ count: 1, pad: "x".repeat(1_100_000) }), 413, "too_large"],
      ["GET", "/nothing-here", undefined, 404, "not_found"],
      ["DELETE", "/truth", undefined, 404, "not_found"],
    ];
    for (const [method, path, body, status, error] of cases) {
      const res = await call<{ error: string; message: string }>(method, path, body);
      expect({ method, path, status: res.status, error: res.body.error }).toEqual({ method, path, status, error });
      expect(res.body.message).toEqual(expect.any(String));
    }
    expect((await truth()).version).toBe(version);
  });
});
