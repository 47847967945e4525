import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getProduct } from "@/app/api/species/[id]/distribution/[product]/route";
import { GET as getDistribution } from "@/app/api/species/[id]/distribution/route";
import { ORIGIN, params } from "@/lib/auth/test-support";
import { handleApplyVettings, handleBuildDistribution } from "@/lib/jobs/handlers";
import { stopQueue } from "@/lib/jobs/queue";
import { refreshSpeciesStats } from "@/lib/species/stats";
import { applyVettings } from "@/lib/vetting/apply";
import { insertRecords, insertSpecies, insertUser, insertVetting } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { buildProducts } from "./build";
import { eoo } from "./eoo";
import { projectPoints } from "./points";
import { THREAD_FROM_POSITIONS } from "./hulls";
import { countedRecords } from "./records";
import { outline } from "./test-outline";
import { rebuildDistribution, settingsFor, staleDistributions } from "./store";

const KV = 1, AV = 2, AI = 3, KI = 4;
const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({ type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });

/** n × n records `step` degrees apart from (lon, lat). */
function block(lon: number, lat: number, n: number, step: number, rating = AV) {
  const out: { lon: number; lat: number; rating: number }[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.push({ lon: lon + i * step, lat: lat + j * step, rating });
  return out;
}

/** Alice's known-valid vetting (2025) over one area and Bob's older known-invalid one over another: contentious where both lie. */
async function dispute(sp: number, valid: Polygon, invalid: Polygon): Promise<number> {
  const id = await insertVetting(db.pool, sp, "alice", KV, valid, "2025-01-01T00:00:00Z");
  await insertVetting(db.pool, sp, "bob", KI, invalid, "2024-01-01T00:00:00Z");
  await applyVettings(db.pool, sp);
  return id;
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertUser(db.pool, "alice", "expert");
  await insertUser(db.pool, "bob", "expert");
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

const read = async (id: number, query = "") => {
  const response = await getDistribution(new Request(`${ORIGIN}/api/species/${id}/distribution${query}`), params({ id: String(id) }));
  return { status: response.status, body: await response.json() };
};

describe("range products of a species", () => {
  it("are built from the records that count, and follow a known-invalid vetting after re-classification", async () => {
    const sp = await insertSpecies(db.pool, "Range rangus");
    // Two blocks 2° apart, and assumed-invalid records far away that never count.
    await insertRecords(db.pool, sp, [...block(145, -20, 5, 0.1), ...block(147, -20, 5, 0.1), ...block(120, -30, 3, 0.1, AI), { lon: null, lat: null, rating: AV }]);

    const before = await read(sp);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ builtAt: null, pending: true, eoo: null });
    expect(await staleDistributions()).toContain(sp);

    expect((await rebuildDistribution(sp)).built).toBe(true);
    expect((await rebuildDistribution(sp)).built).toBe(false);
    expect(await staleDistributions()).not.toContain(sp);
    const first = (await read(sp)).body;
    expect(first).toMatchObject({ recordsUsed: 50, pending: false, aoo: { cellKm: 2, cells: 50, km2: 200 }, snappedToDegrees: null, settings: { alpha: 2, includeContentious: false } });
    // 2.4° × 0.4° at 20° S.
    expect(first.eoo.km2).toBeGreaterThan(10_000);
    expect(first.eoo.km2).toBeLessThan(12_000);
    expect(first.range.features.map((f: { properties: { kind: string } }) => f.properties.kind)).toEqual(["alpha-hull", "convex-hull"]);
    // The gap between the blocks is longer than twice the mean edge: two parts.
    expect(first.range.features[0].geometry.coordinates).toHaveLength(2);

    await insertVetting(db.pool, sp, "alice", KI, box(146.9, -20.1, 147.5, -19.5));
    expect((await read(sp)).body.pending).toBe(true);
    await applyVettings(db.pool, sp);
    await rebuildDistribution(sp);
    const after = (await read(sp)).body;
    expect(after).toMatchObject({ recordsUsed: 25, pending: false, aoo: { cells: 25, km2: 100 } });
    expect(after.eoo.km2).toBeLessThan(first.eoo.km2 / 5);
    expect(after.dataVersion).toBeGreaterThan(first.dataVersion);
  });

  it("leave out known-valid records whose deciding vetting says vagrant or historic, and a newer plain vetting puts them back", async () => {
    const sp = await insertSpecies(db.pool, "Vagrans vagrans");
    await insertRecords(db.pool, sp, [...block(145, -20, 4, 0.1), ...block(150, -25, 2, 0.1)]);
    const vagrant = await insertVetting(db.pool, sp, "alice", KV, box(149.9, -25.1, 150.5, -24.5), "2025-01-01T00:00:00Z");
    await db.pool.query("UPDATE vettings SET range_qualifier = 3 WHERE id = $1", [vagrant]);
    await applyVettings(db.pool, sp);
    await rebuildDistribution(sp);
    expect((await read(sp)).body.recordsUsed).toBe(16);

    await insertVetting(db.pool, sp, "bob", KV, box(149.95, -25.05, 150.05, -24.95), "2025-02-01T00:00:00Z");
    await applyVettings(db.pool, sp);
    expect((await rebuildDistribution(sp)).built).toBe(true);
    expect((await read(sp)).body.recordsUsed).toBe(17);
  });

  it("leave contentious records out by default, and put them in when asked", async () => {
    const sp = await insertSpecies(db.pool, "Contentio disputans");
    await insertRecords(db.pool, sp, block(145, -20, 4, 0.1));
    await dispute(sp, box(144.9, -20.1, 145.15, -19.5), box(144.9, -20.1, 145.05, -19.5));
    await rebuildDistribution(sp);
    // The first column (4 records) is known valid but contentious.
    expect((await read(sp)).body).toMatchObject({ recordsUsed: 12, includeContentious: false });
    expect((await read(sp, "?contentious=include")).body).toMatchObject({ recordsUsed: 16, includeContentious: true, settings: { includeContentious: true } });
  });

  it("store the default variant before building the contentious one, and finish a build stopped between the two", async () => {
    const sp = await insertSpecies(db.pool, "Contentio interrupta");
    await insertRecords(db.pool, sp, block(145, -20, 4, 0.1));
    const valid = await dispute(sp, box(144.9, -20.1, 145.15, -19.5), box(144.9, -20.1, 145.05, -19.5));
    const first = await rebuildDistribution(sp);
    expect(first.variants.map((v) => v.includeContentious)).toEqual([false, true]);
    expect(first.variants[0].storedMs).toBeLessThanOrEqual(first.variants[1].storedMs);

    // As if the worker had stopped after storing the default variant.
    await db.pool.query("DELETE FROM species_distributions WHERE species_id = $1 AND include_contentious", [sp]);
    expect(await staleDistributions()).toContain(sp);
    // Meanwhile the default stands in, and says the asked-for variant is still to come.
    expect((await read(sp, "?contentious=include")).body).toMatchObject({ recordsUsed: 12, includeContentious: true, pending: true });
    const resumed = await rebuildDistribution(sp);
    expect(resumed.variants.map((v) => v.includeContentious)).toEqual([true]);
    expect((await read(sp, "?contentious=include")).body).toMatchObject({ recordsUsed: 16, pending: false });
    expect(await staleDistributions()).not.toContain(sp);

    // No contentious records left: their variant goes with the next default.
    await db.pool.query("UPDATE vettings SET deleted_at = now(), updated_at = now() WHERE id = $1", [valid]);
    await applyVettings(db.pool, sp);
    expect((await rebuildDistribution(sp)).variants.map((v) => v.includeContentious)).toEqual([false]);
    const { rows } = await db.pool.query("SELECT include_contentious FROM species_distributions WHERE species_id = $1", [sp]);
    expect(rows).toEqual([{ include_contentious: false }]);
    expect((await read(sp, "?contentious=include")).body).toMatchObject({ recordsUsed: 12, pending: false });
  });

  it("store 'not computable' for a species none of whose records has a position, and count it built", async () => {
    const sp = await insertSpecies(db.pool, "Locus ignotus");
    await insertRecords(db.pool, sp, [{ lon: null, lat: null, rating: AV }, { lon: null, lat: null, rating: AV }]);
    await refreshSpeciesStats(db.pool, [sp], { bumpVersion: true });
    expect((await rebuildDistribution(sp)).built).toBe(true);
    expect((await read(sp)).body).toMatchObject({ recordsUsed: 0, eoo: null, aoo: null, notComputable: "No records count towards the range." });
    expect(await staleDistributions()).not.toContain(sp);
  });

  it("store neither variant when the default one's store fails (it commits first), and store both on the next rebuild", async () => {
    const sp = await insertSpecies(db.pool, "Contentio rejecta");
    await insertRecords(db.pool, sp, block(145, -20, 4, 0.1));
    await dispute(sp, box(144.9, -20.1, 145.15, -19.5), box(144.9, -20.1, 145.05, -19.5));
    // PostgreSQL refuses the default variant's row, as a full disk or a lost connection would.
    await db.pool.query(`CREATE FUNCTION refuse_default() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.species_id = ${sp} AND NOT NEW.include_contentious THEN RAISE EXCEPTION 'no room for the default variant'; END IF; RETURN NEW; END $$`);
    await db.pool.query("CREATE TRIGGER refuse_default BEFORE INSERT ON species_distributions FOR EACH ROW EXECUTE FUNCTION refuse_default()");
    try {
      await expect(rebuildDistribution(sp)).rejects.toThrow(/no room for the default variant/);
      // The contentious variant, written beside it, was rolled back rather than announced first.
      expect((await db.pool.query("SELECT count(*)::int AS n FROM species_distributions WHERE species_id = $1", [sp])).rows[0].n).toBe(0);
    } finally {
      await db.pool.query("DROP TRIGGER refuse_default ON species_distributions");
      await db.pool.query("DROP FUNCTION refuse_default()");
    }
    expect((await rebuildDistribution(sp)).variants.map((v) => v.includeContentious)).toEqual([false, true]);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM species_distributions WHERE species_id = $1", [sp])).rows[0].n).toBe(2);
  });

  it("write each variant's cells before its hulls and the rest after, yet announce each once, whole; a failure between stores nothing", async () => {
    const sp = await insertSpecies(db.pool, "Nuntius semel");
    await insertRecords(db.pool, sp, block(145, -20, 5, 0.1));
    await dispute(sp, box(144.9, -20.1, 145.25, -19.5), box(144.9, -20.1, 145.05, -19.5));
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const seen: { buildMs: number[]; ranges: number[] }[] = [];
    listener.on("notification", (n) => {
      const event = JSON.parse(n.payload ?? "{}");
      if (event.type !== "distribution" || event.speciesId !== sp) return;
      // What a reader finds when told: whole rows only.
      const found = { buildMs: [] as number[], ranges: [] as number[] };
      seen.push(found);
      // This event's own entry: the next event may come before this query answers.
      void db.pool
        .query<{ build_ms: number; features: number }>("SELECT build_ms, json_array_length(range -> 'features') AS features FROM species_distributions WHERE species_id = $1", [sp])
        .then(({ rows }) => Object.assign(found, { buildMs: rows.map((r) => r.build_ms), ranges: rows.map((r) => r.features) }));
    });
    await listener.query("LISTEN edgar_events");
    try {
      // The hulls fail once the cells are written: the UPDATE that completes the default variant is refused.
      await db.pool.query(`CREATE FUNCTION refuse_completion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.species_id = ${sp} THEN RAISE EXCEPTION 'could not complete the row'; END IF; RETURN NEW; END $$`);
      await db.pool.query("CREATE TRIGGER refuse_completion BEFORE UPDATE ON species_distributions FOR EACH ROW EXECUTE FUNCTION refuse_completion()");
      try {
        await expect(rebuildDistribution(sp)).rejects.toThrow(/could not complete the row/);
      } finally {
        await db.pool.query("DROP TRIGGER refuse_completion ON species_distributions");
        await db.pool.query("DROP FUNCTION refuse_completion()");
      }
      expect((await db.pool.query("SELECT count(*)::int AS n FROM species_distributions WHERE species_id = $1", [sp])).rows[0].n).toBe(0);

      expect((await rebuildDistribution(sp)).variants).toHaveLength(2);
      await expect.poll(() => seen.length).toBe(2);
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toHaveLength(2);
      await expect.poll(() => seen.every((s) => s.buildMs.length > 0)).toBe(true);
      for (const s of seen) {
        expect(s.buildMs.every((ms) => ms >= 0)).toBe(true);
        expect(s.ranges.every((features) => features > 0)).toBe(true);
      }
    } finally {
      await listener.end();
    }
  });

  it("re-stamp the stored products when a vetting changes no record that counts, and build them when one does", async () => {
    const sp = await insertSpecies(db.pool, "Confirmata iterum");
    await insertRecords(db.pool, sp, [...block(145, -20, 5, 0.1), ...block(147, -20, 5, 0.1)]);
    const first = await rebuildDistribution(sp);
    expect(first.variants).toEqual([expect.objectContaining({ includeContentious: false, restamped: false })]);
    const built = (await read(sp)).body;
    const builtAt = async () => (await db.pool.query("SELECT built_at FROM species_distributions WHERE species_id = $1", [sp])).rows[0].built_at as Date;
    const firstBuiltAt = await builtAt();

    // Known valid over records assumed valid: they counted before and count after.
    await insertVetting(db.pool, sp, "alice", KV, box(144.9, -20.1, 145.5, -19.5));
    await applyVettings(db.pool, sp);
    expect((await read(sp)).body.pending).toBe(true);
    expect((await rebuildDistribution(sp)).variants).toEqual([expect.objectContaining({ restamped: true })]);
    const confirmed = (await read(sp)).body;
    expect(confirmed.pending).toBe(false);
    expect(confirmed.dataVersion).toBeGreaterThan(built.dataVersion);
    expect({ ...confirmed, dataVersion: built.dataVersion, builtAt: built.builtAt }).toEqual(built);
    expect((await builtAt()).getTime()).toBeGreaterThan(firstBuiltAt.getTime());
    expect(await staleDistributions()).not.toContain(sp);

    // Stored by someone else since: built, not re-stamped over what this process did not store.
    await db.pool.query("UPDATE species_distributions SET vettings_version = 'elsewhere' WHERE species_id = $1", [sp]);
    await insertVetting(db.pool, sp, "bob", KV, box(144.9, -20.1, 145.5, -19.5));
    await applyVettings(db.pool, sp);
    expect((await rebuildDistribution(sp)).variants).toEqual([expect.objectContaining({ restamped: false })]);
    expect((await read(sp)).body).toMatchObject({ pending: false, recordsUsed: 50 });

    // A vetting that takes records out: built again, and the figures follow.
    await insertVetting(db.pool, sp, "alice", KI, box(146.9, -20.1, 147.5, -19.5));
    await applyVettings(db.pool, sp);
    expect((await rebuildDistribution(sp)).variants).toEqual([expect.objectContaining({ restamped: false })]);
    expect((await read(sp)).body).toMatchObject({ pending: false, recordsUsed: 25 });
    // Forced: always built.
    expect((await rebuildDistribution(sp, { force: true })).variants).toEqual([expect.objectContaining({ restamped: false })]);
  });

  it("make a large species' hulls in the thread, both variants, the same as made in place", async () => {
    const sp = await insertSpecies(db.pool, "Filum magnum");
    // 25 600 distinct positions (past THREAD_FROM_POSITIONS), a column of them contentious.
    await insertRecords(db.pool, sp, block(140, -30, 160, 0.05));
    await dispute(sp, box(139.9, -30.1, 140.52, -21), box(139.9, -30.1, 140.27, -21));
    expect(THREAD_FROM_POSITIONS).toBeLessThan(25_600);
    const built = await rebuildDistribution(sp);
    expect(built.variants.map((v) => v.includeContentious)).toEqual([false, true]);
    // Written side by side, but the default variant commits (and is announced) first.
    expect(built.variants[0].storedMs).toBeLessThanOrEqual(built.variants[1].storedMs);
    for (const includeContentious of [false, true]) {
      const stored = (await read(sp, includeContentious ? "?contentious=include" : "")).body;
      const here = await buildProducts(await countedRecords(db.pool, sp, settingsFor(includeContentious)), settingsFor(includeContentious));
      expect(stored.recordsUsed).toBe(includeContentious ? 25_600 : 25_600 - 6 * 160);
      expect(stored.eoo).toEqual(here.eoo);
      // The contentious variant's triangulation is the default's, changed (kept-meshes.ts): the same
      // outlines, though on this grid of cocircular points its rings may be traced otherwise.
      const outlines = (range: FeatureCollection<Polygon | MultiPolygon>) =>
        range.features.map((f) => ({ properties: f.properties, outline: outline(f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates) }));
      expect(outlines(stored.range)).toEqual(outlines(JSON.parse(JSON.stringify(here.range))));
      expect(here.range.features.map((f) => f.properties!.kind)).toEqual(["alpha-hull", "convex-hull"]);
    }
  });

  it("keep a large species' records in memory across vettings, and read them again once the records change", async () => {
    const sp = await insertSpecies(db.pool, "Memoria retenta");
    const ids = await insertRecords(db.pool, sp, [...block(145, -20, 5, 0.1), ...block(147, -20, 5, 0.1)]);
    // Every species counts as large here.
    const options = { cacheFrom: 1 };
    await rebuildDistribution(sp, options);
    expect((await read(sp)).body.recordsUsed).toBe(50);

    // A vetting changes classifications only: what it decided is read, the records come from memory.
    const versions = async () => (await db.pool.query("SELECT data_version, records_version FROM species WHERE id = $1", [sp])).rows[0];
    const unvetted = await versions();
    await insertVetting(db.pool, sp, "alice", KI, box(146.9, -20.1, 147.5, -19.5));
    await applyVettings(db.pool, sp);
    expect(await versions()).toEqual({ data_version: unvetted.data_version + 1, records_version: unvetted.records_version });
    const before = (await read(sp)).body;
    await rebuildDistribution(sp, options);
    const vetted = (await read(sp)).body;
    expect(vetted).toMatchObject({ recordsUsed: 25, pending: false, aoo: { cells: 25 } });
    // The projection's centre is that of all the species' records: a vetting does not move it.
    expect(vetted.projection).toEqual(before.projection);
    expect(before.projection.centre.lon).toBeCloseTo(146.2, 6);
    // The same products as from a fresh read of the records.
    const fresh = await buildProducts(await countedRecords(db.pool, sp, settingsFor(false)), settingsFor(false));
    expect(vetted.eoo).toEqual(fresh.eoo);
    expect(fresh.aoo).toMatchObject(vetted.aoo);
    expect(vetted.range).toEqual(JSON.parse(JSON.stringify(fresh.range)));

    // A record moved behind the version's back (no writer does this): memory still answers, which shows it is used.
    await db.pool.query("UPDATE occurrences SET lon = lon - 10 WHERE id = $1", [ids[0]]);
    await db.pool.query("UPDATE species SET data_version = data_version + 1 WHERE id = $1", [sp]);
    await rebuildDistribution(sp, options);
    expect((await read(sp)).body.eoo).toEqual(vetted.eoo);
    // What every writer of records does (lib/species/stats) bumps records_version: the records are read again.
    await refreshSpeciesStats(db.pool, [sp], { bumpVersion: true });
    await rebuildDistribution(sp, options);
    expect((await read(sp)).body.eoo.km2).toBeGreaterThan(vetted.eoo.km2 * 5);
  });

  it("use a sensitive record's accurate coordinates for the figures and its generalisation cell for the geometry", async () => {
    const sp = await insertSpecies(db.pool, "Secretus accuratus");
    const open = block(145, -20, 3, 0.1);
    const [secret] = await insertRecords(db.pool, sp, [{ lon: 146.3, lat: -19.1, rating: AV }, ...open]);
    await db.pool.query("UPDATE occurrences SET sensitive = true WHERE id = $1", [secret]);
    await db.pool.query("INSERT INTO sensitive_coordinates (occurrence_id, lat, lon) VALUES ($1, -19.1373, 146.3412)", [secret]);
    await rebuildDistribution(sp);
    const answer = (await read(sp)).body;
    const accurate = eoo(projectPoints([146.3412, ...open.map((p) => p.lon)], [-19.1373, ...open.map((p) => p.lat)]));
    const generalised = eoo(projectPoints([146.3, ...open.map((p) => p.lon)], [-19.1, ...open.map((p) => p.lat)]));
    if (!accurate.computable || !generalised.computable) throw new Error("expected computable EOOs");
    expect(answer.eoo.km2).toBeCloseTo(accurate.km2, 3);
    expect(answer.eoo.km2).not.toBeCloseTo(generalised.km2, 0);
    expect(answer).toMatchObject({ recordsUsed: 10, snappedToDegrees: 0.1, displayCell: { degrees: 0.1 } });
    expect(JSON.stringify(answer)).not.toMatch(/146\.341|19\.137/);
  });

  it("are queued for a rebuild by every re-classification job, even one that moved no category", async () => {
    const sp = await insertSpecies(db.pool, "Queue queue");
    await insertRecords(db.pool, sp, block(145, -20, 3, 0.1));
    await db.pool.query(`DELETE FROM pgboss.job WHERE name = 'build-distribution'`).catch(() => undefined);
    expect(await handleApplyVettings({ speciesId: sp })).toEqual({ changed: 0 });
    const { rows } = await db.pool.query(`SELECT data, start_after > created_on AS delayed, priority FROM pgboss.job WHERE name = 'build-distribution'`);
    // Delayed (debounced), and ahead of a sync's backlog.
    expect(rows).toEqual([{ data: { speciesId: sp }, delayed: true, priority: 1 }]);
    expect(await handleBuildDistribution({ speciesId: sp })).toMatchObject({ built: true });
  });
});

describe("the distribution endpoints", () => {
  let sp: number;
  beforeAll(async () => {
    sp = await insertSpecies(db.pool, "Geojson downloadii");
    await insertRecords(db.pool, sp, block(145, -20, 4, 0.2));
    await rebuildDistribution(sp);
  });
  const product = (name: string, query = "") =>
    getProduct(new Request(`${ORIGIN}/api/species/${sp}/distribution/${name}${query}`), params({ id: String(sp), product: name }));

  it("give the range and the cells as GeoJSON with the figures and settings in every feature's properties", async () => {
    const range = await product("range", "?download=1");
    expect(range.headers.get("content-type")).toMatch(/^application\/geo\+json/);
    expect(range.headers.get("content-disposition")).toMatch(/attachment; filename="geojson-downloadii-range-v\d+\.geojson"/);
    const body = await range.json();
    expect(body.type).toBe("FeatureCollection");
    expect(body.features).toHaveLength(2);
    for (const f of body.features) {
      expect(f.properties).toMatchObject({ scientificName: "Geojson downloadii", recordsUsed: 16, eooKm2: expect.any(Number), aooKm2: 64, aooCellKm: 2, settings: { alpha: 2, aoo: { cellKm: 2, offsets: [0, 0.25, 0.5, 0.75] } } });
    }
    const cells = await (await product("cells", "?download=1")).json();
    expect(cells.features.length).toBeGreaterThan(1);
    expect(cells.features[0]).toMatchObject({ geometry: { type: "Polygon" }, properties: { displayCell: { km: 10 }, aooKm2: 64 } });
    // The map's layer asks without download: the same cells, bare, not an attachment.
    const layer = await product("cells");
    expect(layer.headers.get("content-disposition")).toBeNull();
    const bare = await layer.json();
    expect(bare.features.map((f: { geometry: unknown }) => f.geometry)).toEqual(cells.features.map((f: { geometry: unknown }) => f.geometry));
    expect(bare.features[0].properties).toEqual({});
    const bareRange = await (await product("range")).json();
    const range2 = await (await product("range", "?download=1")).json();
    expect(bareRange.features.map((f: { geometry: unknown }) => f.geometry)).toEqual(range2.features.map((f: { geometry: unknown }) => f.geometry));
  });

  it("give the layer an empty collection before the first build, and 404 for no such species", async () => {
    const unbuilt = await insertSpecies(db.pool, "Nondum aedificata");
    const empty = await getProduct(new Request(`${ORIGIN}/api/species/${unbuilt}/distribution/cells`), params({ id: String(unbuilt), product: "cells" }));
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ type: "FeatureCollection", features: [] });
    const none = await getProduct(new Request(`${ORIGIN}/api/species/999999/distribution/range`), params({ id: "999999", product: "range" }));
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ error: "species_not_found", message: expect.any(String) });
  });

  it("answer bad parameters with a JSON 4xx naming the problem", async () => {
    expect(await read(sp, "?contentious=maybe")).toEqual({ status: 400, body: { error: "invalid_request", message: expect.stringMatching(/contentious: must be "include" or "exclude"/) } });
    expect(await read(999_999)).toEqual({ status: 404, body: { error: "species_not_found", message: expect.any(String) } });
    const bad = await getDistribution(new Request(`${ORIGIN}/api/species/x/distribution`), params({ id: "x" }));
    expect(bad.status).toBe(400);
    const unknown = await product("model");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "not_found", message: expect.stringMatching(/there are range and cells/) });
  });
});
