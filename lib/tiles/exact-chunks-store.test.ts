/**
 * Stored exact-band chunks against the real database and the real worker handlers: built after a
 * vetting or a sync changed a large species, answering a fresh process's deep tiles exactly as
 * its own index later does, and never read for another data version.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuthUser } from "@/lib/auth/roles";
import { useTestSecret } from "@/lib/auth/test-support";
import { createOrUpdateUser } from "@/lib/auth/users";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { handleApplyVettings, handlePrebuildTiles, prebuildTileChunks } from "@/lib/jobs/handlers";
import { stopQueue } from "@/lib/jobs/queue";
import { createVetting } from "@/lib/vetting/vettings";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { IndexCache, type TileIndex } from "./cache";
import { ChunkCache } from "./chunk-cache";
import { MIN_RECORDS } from "./coarse-cells";
import { hasExactChunks, loadExactChunk, refreshExactChunks } from "./exact-chunks-store";
import { canonicalFilters, DEFAULT_FILTERS } from "./filters";
import { loadRecords } from "./load";
import { TileService, type DeferredBuild } from "./service";
import { decodeTile, insertRecords, insertSpecies, tileOf } from "./test-helpers";

// Counts the species' record reads (each one the start of an index build); the reads stay real.
vi.mock("./load", async (importOriginal) => {
  const load = await importOriginal<typeof import("./load")>();
  return { ...load, loadRecords: vi.fn(load.loadRecords) };
});
const recordReads = () => vi.mocked(loadRecords).mock.calls.length;

useTestSecret();
let db: TestDatabase;
let species: number;
let expert: AuthUser;

beforeAll(async () => {
  db = await createTestDatabase();
  species = await insertSpecies(db.pool, "urn:chunks:a");
  await insertRecords(db.pool, species, 6000);
  // The handlers build chunks for species of MIN_RECORDS or more, by the species' stored count:
  // this one claims that many so the real handlers pick it, while its 6 000 records keep the test quick.
  await db.pool.query("UPDATE species SET occurrence_count = $2 WHERE id = $1", [species, MIN_RECORDS]);
  const { user } = await createOrUpdateUser({ email: "chunks@example.org", password: "long enough password", role: "expert", name: "Chunks" });
  expert = { ...user, via: "session" as const };
});
afterAll(async () => {
  await stopQueue();
  await db?.drop();
});

const version = async () => (await db.pool.query<{ v: number }>("SELECT data_version AS v FROM species WHERE id = $1", [species])).rows[0].v;
const bumpVersion = () => db.pool.query("UPDATE species SET data_version = data_version + 1 WHERE id = $1", [species]);
const chunkVersion = async () => (await db.pool.query<{ v: number }>("SELECT data_version AS v FROM tile_chunk_sets WHERE species_id = $1", [species])).rows[0]?.v;

/** A fresh process whose own index never finishes: every tile it answers came from a chunk. */
class UnbuiltIndexes extends IndexCache {
  override get(): TileIndex {
    const never = new Promise<never>(() => undefined);
    return { bands: [never, never], ready: [], done: never };
  }
}

/** Deep tiles over the records (eastern Australia, a hotspot at Sydney) at every zoom 5–18. */
function deepTiles(): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let z = 5; z <= 18; z++) {
    for (const [lon, lat] of [[151.209, -33.865], [135.0, -40.0], [144.2, -31.2], [152.6, -20.6]]) {
      const { x, y } = tileOf(lon, lat, z);
      for (const dx of [-1, 0, 1]) out.push([z, x + dx, y]);
    }
  }
  return out;
}

async function tiles(svc: TileService, list: [number, number, number][]): Promise<string[]> {
  const out = [];
  for (const [z, x, y] of list) {
    const { status, body } = await svc.getTile({ speciesId: species, z, x, y, filters: DEFAULT_FILTERS });
    out.push(`${z}/${x}/${y} ${status} ${Buffer.from(body ?? []).toString("base64")}`);
  }
  return out;
}

const HOUR = 3_600_000;
/** A fresh process that would hold its own build back for an hour while chunks answer. */
const patient = (): DeferredBuild => ({ idleMs: HOUR, maxMs: HOUR, hasChunks: hasExactChunks });

/** A process that never reads chunks, once its index of the species is complete: the reference. */
async function whole(): Promise<TileService> {
  const svc = new TileService(new IndexCache(1 << 30), undefined, new ChunkCache(0, async () => null), { idleMs: 0, maxMs: 0, hasChunks: async () => false });
  await svc.getTile({ speciesId: species, z: 0, x: 0, y: 0, filters: DEFAULT_FILTERS });
  const key = { speciesId: species, dataVersion: await version(), filters: canonicalFilters(DEFAULT_FILTERS) };
  await svc.cache.get(key, () => {
    throw new Error("the index should be building already");
  }).done;
  return svc;
}

describe("prebuilt exact-band chunks", () => {
  it("are built by the prebuild the vetting job queues once a vetting changes the species, for its new version", async () => {
    expect(await chunkVersion()).toBeUndefined();
    await createVetting(expert, { speciesId: species, classification: "known_invalid", area: squarePolygon(150.5, -34.5, 152, -33), comment: null });
    const { changed } = await handleApplyVettings({ speciesId: species });
    expect(changed).toBeGreaterThan(0);
    // Queued, not built, by the re-classification: the next vetting's job does not wait for it.
    expect(await chunkVersion()).toBeUndefined();
    const queued = await db.pool.query("SELECT data FROM pgboss.job WHERE name = 'prebuild-tiles' AND state = 'created'");
    expect(queued.rows.map((r) => r.data)).toEqual([{ speciesId: species }]);
    await handlePrebuildTiles({ speciesId: species });
    expect(await chunkVersion()).toBe(await version());
    // Nothing moved since: no rebuild.
    expect(await refreshExactChunks({ minRecords: 1 })).toEqual([]);
  });

  it("answer a fresh process's deep tiles, the same bytes its own index gives", async () => {
    const fresh = new TileService(new UnbuiltIndexes(1 << 30));
    const fromChunks = await tiles(fresh, deepTiles());
    expect(fresh.chunks.reads).toBeGreaterThan(1);
    expect(fromChunks.filter((t) => t.includes(" 200 ")).length).toBeGreaterThan(20);
    expect(await tiles(await whole(), deepTiles())).toEqual(fromChunks);
  });

  it("hold a fresh process's own build back while they answer, until a request needs the whole band", async () => {
    const reads = recordReads();
    const fresh = new TileService(new IndexCache(1 << 30), undefined, undefined, patient());
    // The coarse band from the prebuilt cells, every deep tile from chunks: no record is read.
    const answered = await tiles(fresh, [[0, 0, 0], [3, 7, 4], ...deepTiles()]);
    expect(recordReads()).toBe(reads);
    const reference = await whole();
    expect(await tiles(reference, [[0, 0, 0], [3, 7, 4], ...deepTiles()])).toEqual(answered);

    // Chunks give no expansion zooms: asking one starts the build at once (else this waits an hour).
    const { z, x, y } = tileOf(151.209, -33.865, 11);
    const { body } = await fresh.getTile({ speciesId: species, z, x, y, filters: DEFAULT_FILTERS });
    const cluster = decodeTile(body!, z, x, y).find((f) => f.properties.cluster)!;
    const clusterId = cluster.properties.clusterId as number;
    const expansion = await fresh.getClusterExpansionZoom(species, clusterId, DEFAULT_FILTERS);
    expect(expansion).toEqual(await reference.getClusterExpansionZoom(species, clusterId, DEFAULT_FILTERS));
    expect(recordReads()).toBe(reads + 2); // the reference's build and this one
  });

  it("let a fresh process build its own band once the species' tiles are quiet", async () => {
    const fresh = new TileService(new IndexCache(1 << 30), undefined, undefined, { ...patient(), idleMs: 50 });
    const [z, x, y] = deepTiles().find(([zoom]) => zoom === 12)!;
    await fresh.getTile({ speciesId: species, z, x, y, filters: DEFAULT_FILTERS });
    const key = { speciesId: species, dataVersion: await version(), filters: canonicalFilters(DEFAULT_FILTERS) };
    // Nothing else is asked: the quiet period ends and the index completes (else this waits an hour).
    await fresh.cache.get(key, () => {
      throw new Error("the index should be building already");
    }).done;
    expect(fresh.cache.size.entries).toBe(1);
  });

  it("are never read for another data version: a fresh process then waits for its index", async () => {
    const before = await tiles(await whole(), deepTiles());
    // Records moved and the version bumped, as a sync does, before the worker rebuilt the chunks.
    await db.pool.query("UPDATE occurrences SET lon = lon + 0.37 WHERE species_id = $1 AND id % 3 = 0", [species]);
    await bumpVersion();
    const v = await version();
    const [z, x, y] = deepTiles().find(([zoom]) => zoom === 12)!;
    expect(await loadExactChunk(species, v, z, x, y)).toBeNull();
    expect(await loadExactChunk(species, v - 1, z, x, y)).not.toBeNull();

    // Without chunks of its version, the process builds at once: it does not wait for a quiet hour.
    const fresh = new TileService(new IndexCache(1 << 30), undefined, undefined, patient());
    const now = await tiles(fresh, deepTiles());
    expect(now).not.toEqual(before);
    expect(now).toEqual(await tiles(await whole(), deepTiles()));
    // The process that can only read chunks has none for this version: it answers nothing.
    const stalled = new TileService(new UnbuiltIndexes(1 << 30)).getTile({ speciesId: species, z, x, y, filters: DEFAULT_FILTERS });
    expect(await Promise.race([stalled.then(() => "answered"), new Promise((r) => setTimeout(() => r("waiting"), 300))])).toBe("waiting");
  });

  it("are rebuilt after a sync's change by the worker's prebuild, and then answer the new records", async () => {
    await prebuildTileChunks();
    expect(await chunkVersion()).toBe(await version());
    const fromChunks = await tiles(new TileService(new UnbuiltIndexes(1 << 30)), deepTiles());
    expect(fromChunks).toEqual(await tiles(await whole(), deepTiles()));
  });

  it("answer an empty region with nothing, and only for the default filters", async () => {
    const fresh = new TileService(new UnbuiltIndexes(1 << 30));
    const { x, y } = tileOf(-60, 50, 12); // the North Atlantic: no record of this species
    expect((await fresh.getTile({ speciesId: species, z: 12, x, y, filters: DEFAULT_FILTERS })).status).toBe(204);
    const filtered = fresh.getTile({ speciesId: species, z: 12, x, y, filters: { ...DEFAULT_FILTERS, yearFrom: 1990 } });
    expect(await Promise.race([filtered.then(() => "answered"), new Promise((r) => setTimeout(() => r("waiting"), 300))])).toBe("waiting");
  });
});
