import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { BANDS, gridCells } from "./build-worker.mjs";
import { IndexCache } from "./cache";
import { decodeCells, encodeCells, loadCoarseCells, refreshCoarseCells } from "./coarse-cells";
import { DEFAULT_FILTERS } from "./filters";
import { loadRecords } from "./load";
import { TileService } from "./service";
import { dbTotals, decodeTile, insertRecords, insertSpecies, insideTile, tileTotals } from "./test-helpers";

let db: TestDatabase;
let species: number;

beforeAll(async () => {
  db = await createTestDatabase();
  species = await insertSpecies(db.pool, "urn:cells:a");
  await insertRecords(db.pool, species, 5000);
  await recount();
});
afterAll(async () => db?.drop());

const recount = () => db.pool.query("UPDATE species SET occurrence_count = (SELECT count(*) FROM occurrences o WHERE o.species_id = species.id)");
const bumpVersion = () => db.pool.query("UPDATE species SET data_version = data_version + 1 WHERE id = $1", [species]);
const version = async () => (await db.pool.query<{ v: number }>("SELECT data_version AS v FROM species WHERE id = $1", [species])).rows[0].v;
/** A fresh web process: nothing cached. */
const freshService = () => new TileService(new IndexCache(1 << 30));

async function tileBytes(svc: TileService, z: number, x: number, y: number): Promise<string> {
  const { body } = await svc.getTile({ speciesId: species, z, x, y, filters: DEFAULT_FILTERS });
  return Buffer.from(body ?? []).toString("base64");
}

/** The coarse band's tiles over the records' range (eastern Australia) at zooms 0–4. */
async function coarseTiles(svc: TileService): Promise<string[]> {
  const out = [];
  for (const [z, x0, x1, y0, y1] of [[0, 0, 0, 0, 0], [2, 3, 3, 2, 2], [3, 6, 7, 4, 5], [4, 13, 14, 8, 10]]) {
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push(await tileBytes(svc, z, x, y));
  }
  return out;
}

describe("prebuilt coarse tile cells", () => {
  it("survive encoding unchanged", async () => {
    const cells = gridCells(await loadRecords(species, DEFAULT_FILTERS), BANDS[0].cellBits);
    expect(cells.id.length).toBeGreaterThan(10);
    expect(decodeCells(encodeCells(cells))).toEqual(cells);
    expect(() => decodeCells(encodeCells(cells).subarray(0, 100))).toThrow(/cannot be 100 bytes/);
  });

  it("are prebuilt only for species at or above the threshold, and only when their version moved", async () => {
    expect(await refreshCoarseCells({ minRecords: 1_000_000 })).toEqual([]);
    expect(await refreshCoarseCells({ minRecords: 1000 })).toEqual([species]);
    expect(await refreshCoarseCells({ minRecords: 1000 })).toEqual([]);
    expect(await loadCoarseCells(species, await version())).not.toBeNull();
    await bumpVersion();
    expect(await loadCoarseCells(species, await version())).toBeNull();
    expect(await refreshCoarseCells({ minRecords: 1000 })).toEqual([species]);
  });

  it("give the same tiles as a build from the records", async () => {
    await refreshCoarseCells({ minRecords: 1000 });
    const withCells = await coarseTiles(freshService());
    await db.pool.query("DELETE FROM tile_cells");
    expect(await coarseTiles(freshService())).toEqual(withCells);
  });

  it("answer the coarse zooms of a fresh process while the records give the exact band; another version ignores them", async () => {
    await refreshCoarseCells({ minRecords: 1000 });
    // Records added behind the cells' back (no version bump): only a build from the records sees them.
    await insertRecords(db.pool, species, 700);
    const svc = freshService();
    const z0 = tileTotals(insideTile(decodeTile(Buffer.from(await tileBytes(svc, 0, 0, 0), "base64"), 0, 0, 0)));
    const z5 = [];
    for (let x = 0; x < 32; x++) for (let y = 0; y < 32; y++) {
      z5.push(tileTotals(insideTile(decodeTile(Buffer.from(await tileBytes(svc, 5, x, y), "base64"), 5, x, y))).count);
    }
    const now = await dbTotals(db.pool, species);
    expect(z5.reduce((a, b) => a + b, 0)).toBe(now.count);
    expect(z0.count).toBeLessThan(now.count);

    await bumpVersion();
    const after = tileTotals(insideTile(decodeTile(Buffer.from(await tileBytes(freshService(), 0, 0, 0), "base64"), 0, 0, 0)));
    expect(after).toEqual(now);
  });

  it("that cannot be read cost nothing but the shortcut: tiles come from the records", async () => {
    await db.pool.query(
      "INSERT INTO tile_cells (species_id, data_version, cell_bits, cells) VALUES ($1, $2, $3, '\\x0500000001'::bytea) ON CONFLICT (species_id) DO UPDATE SET data_version = $2, cells = '\\x0500000001'::bytea",
      [species, await version(), BANDS[0].cellBits],
    );
    const { status, body } = await freshService().getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS });
    expect(status).toBe(200);
    expect(tileTotals(insideTile(decodeTile(body!, 0, 0, 0)))).toEqual(await dbTotals(db.pool, species));
  });
});
