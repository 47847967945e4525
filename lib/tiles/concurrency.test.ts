/**
 * Load: 200 tile requests at once for a species nobody has looked at, through the route handler
 * and the process's configured tile service: one index build, no error, every tile right, the
 * index cache within its configured bound (TILE_CACHE_MB).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/tiles/[speciesId]/[z]/[x]/[y]/route";
import { config } from "@/lib/config";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { tiles } from "./service";
import { dbTotals, decodeTile, insertRecords, insertSpecies, insideTile, tileOf, tileTotals } from "./test-helpers";

// The smallest bound the configuration allows, read by tiles() on first use.
process.env.TILE_CACHE_MB = "16";
const REQUESTS = 200;

let db: TestDatabase;
let species: number;
beforeAll(async () => {
  db = await createTestDatabase();
  species = await insertSpecies(db.pool, "urn:tiles:load");
  await insertRecords(db.pool, species, 30_000);
});
afterAll(async () => db?.drop());

describe("200 concurrent tile requests for a cold species", () => {
  it("build one index, all answer, the tiles add up and the cache stays within TILE_CACHE_MB", async () => {
    const { rows: points } = await db.pool.query<{ lon: number; lat: number }>(
      "SELECT lon, lat FROM occurrences WHERE species_id = $1 AND lat IS NOT NULL AND duplicate_status <> 3 ORDER BY id LIMIT $2",
      [species, REQUESTS],
    );
    // (Duplicates are hidden by default.) Zoom 0 to 16 in turn, each at a record's tile: low zooms from the coarse band, high ones from the exact band.
    const addresses = points.map((p, i) => tileOf(p.lon, p.lat, i % 17));
    const responses = await Promise.all(
      addresses.map(({ z, x, y }) =>
        GET(new Request(`http://edgar.test/api/tiles/${species}/${z}/${x}/${y}.pbf`), {
          params: Promise.resolve({ speciesId: String(species), z: String(z), x: String(x), y: `${y}.pbf` }),
        }),
      ),
    );
    const service = tiles();
    expect(service.cache.builds).toBe(1);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const bodies = await Promise.all(responses.map(async (r) => new Uint8Array(await r.arrayBuffer())));
    // Each tile holds the record it was asked for; zoom 0 holds every record.
    bodies.forEach((body, i) => expect(insideTile(decodeTile(body, addresses[i].z, addresses[i].x, addresses[i].y)).length).toBeGreaterThan(0));
    expect(tileTotals(insideTile(decodeTile(bodies[0], 0, 0, 0)))).toEqual(await dbTotals(db.pool, species));

    const maxBytes = config().TILE_CACHE_MB * 1024 * 1024;
    expect(service.cache.maxBytes).toBe(maxBytes);
    await new Promise((r) => setTimeout(r, 0));
    const size = service.cache.size;
    console.log(`reliability: ${REQUESTS} concurrent tile requests, ${service.cache.builds} index build, cache ${size.bytes} of ${maxBytes} bytes`);
    // The index is held (so the bound is what limits it), and the bound holds.
    expect(size).toMatchObject({ entries: 1, building: 0 });
    expect(size.bytes).toBeGreaterThan(0);
    expect(size.bytes).toBeLessThanOrEqual(maxBytes);
  });
});
