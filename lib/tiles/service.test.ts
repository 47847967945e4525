import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setClassifications, type Classified } from "@/lib/vetting/states";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { BANDS } from "./build-worker.mjs";
import { IndexCache } from "./cache";
import { canonicalFilters, DEFAULT_FILTERS, parseFilters } from "./filters";
import { speciesDataVersion } from "./load";
import { TileService } from "./service";
import { VersionCache } from "./versions";
import { dbTotals, decodeTile, insertRecords, insertSpecies, insideTile, tileOf, tileTotals } from "./test-helpers";

let db: TestDatabase;
let species: number;

beforeAll(async () => {
  db = await createTestDatabase();
  species = await insertSpecies(db.pool, "urn:tiles:a");
  await insertRecords(db.pool, species, 6000);
});
afterAll(async () => db?.drop());

const service = () => new TileService(new IndexCache(1 << 30));
const filters = (query: string) => parseFilters(new URLSearchParams(query));

async function tile(svc: TileService, speciesId: number, z: number, x: number, y: number, f = DEFAULT_FILTERS, versionHint: number | null = null) {
  const result = await svc.getTile({ speciesId, z, x, y, filters: f, versionHint });
  return { ...result, features: result.body ? decodeTile(result.body, z, x, y) : [] };
}

/** What a vetting does to categories: every record in category `from` becomes `to`, no record moves. */
async function reclassify(speciesId: number, from: number, to: number, o: { flipContentious?: boolean } = {}) {
  const { rows } = await db.pool.query<Classified>(
    "SELECT id, rating, classification, contentious FROM classified_occurrences WHERE species_id = $1 AND classification = $2",
    [speciesId, from],
  );
  await setClassifications(db.pool, speciesId, rows.map((r) => ({ ...r, classification: to, contentious: r.contentious !== (o.flipContentious ?? false) })));
}

describe("tile service", () => {
  it("z0 clusters add up to the species' records, per category", async () => {
    const { status, headers, features } = await tile(service(), species, 0, 0, 0);
    expect(status).toBe(200);
    expect(headers["content-type"]).toBe("application/vnd.mapbox-vector-tile");
    expect(headers.etag).toMatch(/^"[\w-]+"$/);
    expect(headers["cache-control"]).toContain("public");
    expect(tileTotals(insideTile(features))).toEqual(await dbTotals(db.pool, species));
  });

  it("the exact band adds up too (z5 tiles over the species' range)", async () => {
    const svc = service();
    const totals = [];
    for (let x = 0; x < 32; x++) for (let y = 0; y < 32; y++) {
      const t = await tile(svc, species, 5, x, y);
      totals.push(tileTotals(insideTile(t.features)));
    }
    const sum = totals.reduce((a, t) => a + t.count, 0);
    expect(sum).toBe((await dbTotals(db.pool, species)).count);
  });

  it("shows single records at the deepest zoom with id, classification and contentious flag", async () => {
    const { rows } = await db.pool.query<{ id: number; lon: number; lat: number }>(
      "INSERT INTO occurrences (species_id, source, source_id, lat, lon, year, basis_of_record, rating) VALUES ($1, 1, gen_random_uuid(), -20.5, 120.25, 2000, 1, 2) RETURNING id, lon, lat",
      [species],
    );
    await setClassifications(db.pool, species, [{ id: rows[0].id, rating: 2, classification: 4, contentious: true }]);
    await db.pool.query("UPDATE species SET data_version = data_version + 1 WHERE id = $1", [species]);
    const { z, x, y } = tileOf(120.25, -20.5, 20);
    const { features } = await tile(service(), species, z, x, y);
    expect(features).toHaveLength(1);
    expect(features[0].properties).toEqual({ cluster: false, id: rows[0].id, classification: "known_invalid", contentious: true });
    expect(features[0].lon).toBeCloseTo(120.25, 4);
    expect(features[0].lat).toBeCloseTo(-20.5, 4);
  });

  it("shows records at one position as a cluster that never splits", async () => {
    const svc = service();
    const { z, x, y } = tileOf(151.209, -33.865, 18);
    const { features } = await tile(svc, species, z, x, y);
    const stack = features.find((f) => f.properties.cluster)!;
    const expected = await dbTotals(db.pool, species, "duplicate_status <> 3 AND lat = -33.865::real AND lon = 151.209::real");
    expect(tileTotals([stack])).toEqual(expected);
    const expansion = await svc.getClusterExpansionZoom(species, stack.properties.clusterId as number, DEFAULT_FILTERS);
    expect(expansion.expansionZoom).toBeNull();
  });

  it("gives a cluster's expansion zoom, also in the tile", async () => {
    const svc = service();
    for (const z of [2, 7]) {
      const { x, y } = tileOf(140, -35, z);
      const cluster = (await tile(svc, species, z, x, y)).features.find((f) => f.properties.cluster && f.properties.count !== undefined)!;
      const { expansionZoom } = await svc.getClusterExpansionZoom(species, cluster.properties.clusterId as number, DEFAULT_FILTERS);
      expect(expansionZoom).toBeGreaterThan(z);
      expect(cluster.properties.expansionZoom).toBe(expansionZoom);
    }
    await expect(svc.getClusterExpansionZoom(species, 999_999_999, DEFAULT_FILTERS)).rejects.toMatchObject({ status: 404 });
  });

  it("filters by years, classifications and duplicates", async () => {
    const svc = service();
    const cases: [string, string][] = [
      ["years=1990-2000", "duplicate_status <> 3 AND year BETWEEN 1990 AND 2000"],
      ["yearFrom=2010", "duplicate_status <> 3 AND year >= 2010"],
      ["classifications=known_valid,assumed_invalid", "duplicate_status <> 3 AND classification IN (1, 3)"],
      ["duplicates=show", "true"],
      ["duplicates=show&classifications=known_invalid&yearTo=1960", "classification = 4 AND year <= 1960"],
    ];
    for (const [query, where] of cases) {
      const { features } = await tile(svc, species, 0, 0, 0, filters(query));
      expect(tileTotals(insideTile(features)), query).toEqual(await dbTotals(db.pool, species, where));
    }
    expect((await tile(svc, species, 0, 0, 0, filters("classifications="))).status).toBe(204);
  });

  it("changes tile and ETag when the species' data version changes; 304 while it matches", async () => {
    const svc = service();
    const before = await tile(svc, species, 0, 0, 0);
    const again = await svc.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS, ifNoneMatch: before.headers.etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect((await svc.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS, ifNoneMatch: `"x", W/${before.headers.etag}` })).status).toBe(304);

    // What a vetting does: reclassify, then bump the version.
    await reclassify(species, 2, 1);
    const { rows } = await db.pool.query<{ v: number }>("UPDATE species SET data_version = data_version + 1 WHERE id = $1 RETURNING data_version AS v", [species]);
    // Within the version cache's time to live, a client naming the new version (as the map's `v`
    // parameter does) is what makes the service look again at once.
    const after = await tile(svc, species, 0, 0, 0, DEFAULT_FILTERS, rows[0].v);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(tileTotals(insideTile(after.features)).assumedValid).toBe(0);
    expect(tileTotals(insideTile(after.features))).toEqual(await dbTotals(db.pool, species));
    // Without a hint, the new version is seen once the cached one has lived its time.
    const later = new TileService(svc.cache, new VersionCache(speciesDataVersion, 0));
    expect((await later.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS })).headers.etag).toBe(after.headers.etag);
    const stale = await svc.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS, ifNoneMatch: before.headers.etag });
    expect(stale.status).toBe(200);
    // Once the new index's other zoom bands finish, it alone is cached: the old version's was dropped.
    // Their build runs in a worker thread: under a loaded CI machine it took longer than waitFor's default second.
    await vi.waitFor(() => expect(svc.cache.size).toMatchObject({ entries: 1, building: 0 }), { timeout: 15_000 });
  });

  it("after a vetting recounts the exact band on its clusters; a moved record has it clustered again", async () => {
    const sp = await insertSpecies(db.pool, "urn:tiles:recount");
    await insertRecords(db.pool, sp, 3000);
    const svc = service();
    const exactBand = async (dataVersion: number) => {
      const index = svc.cache.get({ speciesId: sp, dataVersion, filters: canonicalFilters(DEFAULT_FILTERS) }, () => {
        throw new Error(`no index of version ${dataVersion}`);
      });
      return (await index.bands[BANDS.length - 1]).band;
    };
    // Every z5 tile of the records' range (lon 135–153, lat -41–-20): street-level band, all records.
    const [from, to] = [tileOf(135, -20, 5), tileOf(153, -41, 5)];
    const exactTotals = async (version: number) => {
      const sum = { count: 0, knownValid: 0, assumedValid: 0, assumedInvalid: 0, knownInvalid: 0, contentious: 0 };
      for (let x = from.x; x <= to.x; x++) for (let y = from.y; y <= to.y; y++) {
        const t = tileTotals(insideTile((await tile(svc, sp, 5, x, y, DEFAULT_FILTERS, version)).features));
        for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += t[k];
      }
      return sum;
    };
    const bump = async () =>
      (await db.pool.query<{ v: number }>("UPDATE species SET data_version = data_version + 1 WHERE id = $1 RETURNING data_version AS v", [sp])).rows[0].v;

    const v0 = (await speciesDataVersion(sp))!;
    expect(await exactTotals(v0)).toEqual(await dbTotals(db.pool, sp));
    const built = await exactBand(v0);

    // What a vetting does: categories change, no record moves.
    await reclassify(sp, 2, 4, { flipContentious: true });
    const v1 = await bump();
    expect(await exactTotals(v1)).toEqual(await dbTotals(db.pool, sp));
    const recounted = await exactBand(v1);
    expect(recounted.levels[0].tree).toBe(built.levels[0].tree);
    expect(recounted.clusters.counts).not.toEqual(built.clusters.counts);

    // What a sync may do: a record moves, so the positions are clustered again.
    await db.pool.query("UPDATE occurrences SET lon = lon + 0.5 WHERE id = (SELECT min(id) FROM occurrences WHERE species_id = $1 AND lon IS NOT NULL)", [sp]);
    const v2 = await bump();
    expect(await exactTotals(v2)).toEqual(await dbTotals(db.pool, sp));
    expect((await exactBand(v2)).levels[0].tree).not.toBe(recounted.levels[0].tree);
  });

  it("answers 404 for an unknown species and 400 for a bad address", async () => {
    const svc = service();
    await expect(svc.getTile({ speciesId: 987654, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS })).rejects.toMatchObject({ status: 404 });
    for (const [z, x, y] of [[23, 0, 0], [-1, 0, 0], [1, 2, 0], [1, 0, 2], [2.5, 0, 0]]) {
      await expect(svc.getTile({ speciesId: species, z, x, y, filters: DEFAULT_FILTERS })).rejects.toMatchObject({ status: 400 });
    }
  });

  it("gives an empty answer (204) where there is nothing", async () => {
    const { x, y } = tileOf(-100, 40, 6);
    expect((await tile(service(), species, 6, x, y)).status).toBe(204);
    const empty = await insertSpecies(db.pool, "urn:tiles:empty");
    expect((await tile(service(), empty, 0, 0, 0)).status).toBe(204);
  });

  it("builds an index once for concurrent cold requests", async () => {
    const svc = service();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => svc.getTile({ speciesId: species, z: i % 8, x: 0, y: 0, filters: DEFAULT_FILTERS })),
    );
    expect(results.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    expect(svc.cache.builds).toBe(1);
    await svc.getTile({ speciesId: species, z: 3, x: 7, y: 4, filters: filters("duplicates=show") });
    expect(svc.cache.builds).toBe(2);
  });

  it("evicts least recently used indexes when over its byte budget", async () => {
    const other = await insertSpecies(db.pool, "urn:tiles:b");
    await insertRecords(db.pool, other, 6000); // the same size: two do not fit in 1.5 of one
    const probe = service();
    await probe.getTile({ speciesId: species, z: 9, x: 460, y: 300, filters: DEFAULT_FILTERS }); // waits for every band
    await new Promise((r) => setTimeout(r, 0));
    const one = probe.cache.size.bytes;
    await new Promise((r) => setTimeout(r, 0));

    const svc = new TileService(new IndexCache(Math.ceil(one * 1.5)));
    await svc.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS });
    await svc.getTile({ speciesId: species, z: 9, x: 460, y: 300, filters: DEFAULT_FILTERS }); // waits for every band
    await svc.getTile({ speciesId: other, z: 9, x: 460, y: 300, filters: DEFAULT_FILTERS });
    await new Promise((r) => setTimeout(r, 0));
    expect(svc.cache.size.entries).toBe(1);
    expect(svc.cache.size.bytes).toBeLessThanOrEqual(svc.cache.maxBytes);
    await svc.getTile({ speciesId: other, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS });
    expect(svc.cache.builds).toBe(2);
    await svc.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS });
    expect(svc.cache.builds).toBe(3);
  });

  it("never puts a sensitive record's accurate position in a tile", async () => {
    const sensitive = await insertSpecies(db.pool, "urn:tiles:sensitive");
    // Public positions generalised to 0.1°; the accurate ones lie 0.037° away.
    const { rows } = await db.pool.query<{ id: number; lon: number; lat: number }>(
      `INSERT INTO occurrences (species_id, source, source_id, lat, lon, year, basis_of_record, rating, sensitive)
       SELECT $1, 1, gen_random_uuid(), -30 - g * 0.5, 145 + g * 0.5, 2000, 1, 2, true FROM generate_series(1, 20) g
       RETURNING id, lon, lat`,
      [sensitive],
    );
    await db.pool.query(
      "INSERT INTO sensitive_coordinates (occurrence_id, lat, lon) SELECT id, lat - 0.037, lon + 0.037 FROM occurrences WHERE species_id = $1",
      [sensitive],
    );
    const svc = service();
    const seen = new Set<number>();
    for (const r of rows) {
      for (const z of [8, 12, 16, 22]) {
        const pub = tileOf(r.lon, r.lat, z);
        const accurate = tileOf(r.lon + 0.037, r.lat - 0.037, z);
        for (const t of [pub, accurate]) {
          const { features } = await tile(svc, sensitive, t.z, t.x, t.y);
          for (const f of insideTile(features)) {
            const match = rows.find((p) => Math.abs(p.lon - f.lon) < 1e-3 && Math.abs(p.lat - f.lat) < 1e-3);
            expect(match, `feature at ${f.lon},${f.lat} is not a public position`).toBeDefined();
            if (!f.properties.cluster) seen.add(f.properties.id as number);
          }
        }
      }
    }
    expect(seen.size).toBe(rows.length);
  });
});
