// Incremental re-classification: the trigger's queue of changed boxes, and results identical to
// classifying every record from scratch after any sequence of creates, changes and deletes.
import type { Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { bboxOf } from "@/lib/geometry/bbox";
import { Rng } from "@/lib/simulator/prng";
import { applyVettings } from "./apply";
import { classify, type LiveVetting } from "./classify";
import { insertRecords, insertSpecies, insertUser, insertVetting, speciesStats } from "./test-fixtures";

const KV = 1, AV = 2, AI = 3, KI = 4;

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: "Polygon",
  coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});

let db: TestDatabase;
let clock = Date.UTC(2025, 0, 1);
beforeAll(async () => {
  db = await createTestDatabase();
  for (const id of ["alice", "bob", "carol"]) await insertUser(db.pool, id, "expert");
});
afterAll(() => db.drop());

/** A vetting a second later than the last one (recency decides between covering vettings); its id. */
const createVetting = (speciesId: number, authorId: string, classification: number, area: Polygon) =>
  insertVetting(db.pool, speciesId, authorId, classification, area, new Date((clock += 1000)));

async function patchVetting(id: number, change: { classification?: number; area?: Polygon; comment?: string }) {
  const area = change.area ?? null;
  await db.pool.query(
    `UPDATE vettings SET classification = COALESCE($2, classification), area = COALESCE($3, area),
            min_lon = COALESCE($4, min_lon), min_lat = COALESCE($5, min_lat), max_lon = COALESCE($6, max_lon), max_lat = COALESCE($7, max_lat),
            comment = COALESCE($8, comment), updated_at = $9
      WHERE id = $1`,
    [id, change.classification ?? null, area && JSON.stringify(area), ...(area ? bboxOf(area) : [null, null, null, null]), change.comment ?? null, new Date((clock += 1000))],
  );
}

async function queued(speciesId: number): Promise<number[][]> {
  const { rows } = await db.pool.query<{ b: number[] }>(
    "SELECT ARRAY[min_lon, min_lat, max_lon, max_lat]::float8[] AS b FROM vetting_changes WHERE species_id = $1 ORDER BY id",
    [speciesId],
  );
  return rows.map((r) => r.b);
}

/** Every record's [classification, contentious] as classify() decides it from scratch, and as stored. */
async function expectedAndStored(speciesId: number) {
  const records = await db.pool.query<{ id: number; lat: number | null; lon: number | null; rating: number; classification: number; contentious: boolean }>(
    "SELECT id, lat, lon, rating, classification, contentious FROM classified_occurrences WHERE species_id = $1 ORDER BY id",
    [speciesId],
  );
  const vettings = await db.pool.query<{ id: number; author_id: string; classification: number; area: Polygon; updated_at: Date }>(
    "SELECT id, author_id, classification, area, updated_at FROM vettings WHERE species_id = $1 AND deleted_at IS NULL",
    [speciesId],
  );
  const rows = records.rows;
  const next = classify(
    {
      id: Int32Array.from(rows, (r) => r.id),
      lat: Float32Array.from(rows, (r) => r.lat ?? NaN),
      lon: Float32Array.from(rows, (r) => r.lon ?? NaN),
      rating: Uint8Array.from(rows, (r) => r.rating),
    },
    vettings.rows.map((v): LiveVetting => ({ id: v.id, authorId: v.author_id, classification: v.classification, area: v.area, updatedAt: v.updated_at })),
  );
  return {
    expected: rows.map((_, i) => [next.classification[i], next.contentious[i] === 1]),
    stored: rows.map((r) => [r.classification, r.contentious]),
  };
}

async function recount(speciesId: number) {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS occurrence_count,
            count(*) FILTER (WHERE classification = ${KV})::int AS known_valid_count,
            count(*) FILTER (WHERE classification = ${AV})::int AS assumed_valid_count,
            count(*) FILTER (WHERE classification = ${AI})::int AS assumed_invalid_count,
            count(*) FILTER (WHERE classification = ${KI})::int AS known_invalid_count,
            count(*) FILTER (WHERE contentious)::int AS contentious_count
       FROM classified_occurrences WHERE species_id = $1`,
    [speciesId],
  );
  return rows[0];
}

describe("incremental re-classification", () => {
  it("queues the old and new extent of every change that can re-classify, and nothing for a comment", async () => {
    const sp = await insertSpecies(db.pool, "Queue test");
    const id = await createVetting(sp, "alice", KI, box(0, 0, 10, 10));
    expect(await queued(sp)).toEqual([[0, 0, 10, 10]]);
    await applyVettings(db.pool, sp);
    expect(await queued(sp)).toEqual([]);

    await db.pool.query("UPDATE vettings SET comment = 'a note only' WHERE id = $1", [id]);
    expect(await queued(sp)).toEqual([]);
    await patchVetting(id, { area: box(20, 20, 30, 30) });
    expect(await queued(sp)).toEqual([[0, 0, 10, 10], [20, 20, 30, 30]]);
    await patchVetting(id, { classification: KV });
    expect((await queued(sp)).slice(2)).toEqual([[20, 20, 30, 30]]);
    await db.pool.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [id]);
    expect((await queued(sp)).slice(3)).toEqual([[20, 20, 30, 30]]);
    // Once deleted, nothing it could still do: a later change to the dead row queues nothing.
    await db.pool.query("UPDATE vettings SET classification = $2 WHERE id = $1", [id, KI]);
    expect(await queued(sp)).toHaveLength(4);
  });

  it("re-tests only the queued boxes; a full pass re-tests every vetted record", async () => {
    const sp = await insertSpecies(db.pool, "Boxes test");
    const [, outside] = await insertRecords(db.pool, sp, [
      { lon: 5, lat: 5, rating: AV },
      { lon: 50, lat: 50, rating: AV },
    ]);
    await createVetting(sp, "alice", KI, box(0, 0, 10, 10));
    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 1 });
    // A sync moves the outside record into the area: no vetting changed, so nothing is queued...
    await db.pool.query("UPDATE occurrences SET lon = 6, lat = 6 WHERE id = $1", [outside]);
    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 0 });
    // ...and the sync's full pass (lib/sync/refresh.ts) is what re-decides it.
    expect(await applyVettings(db.pool, sp, { full: true })).toEqual({ changed: 1 });
    const { expected, stored } = await expectedAndStored(sp);
    expect(stored).toEqual(expected);
    expect(stored.map(([c]) => c)).toEqual([KI, KI]);
  });

  it("leaves the queue for the retry when the run's transaction rolls back", async () => {
    const sp = await insertSpecies(db.pool, "Rollback test");
    await insertRecords(db.pool, sp, [{ lon: 5, lat: 5, rating: AV }]);
    await createVetting(sp, "alice", KI, box(0, 0, 10, 10));
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      expect(await applyVettings(client, sp)).toEqual({ changed: 1 });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await queued(sp)).toHaveLength(1);
    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 1 });
    expect(await queued(sp)).toEqual([]);
  });

  it("matches classifying from scratch, counts included, after 60 random creates, changes and deletes", async () => {
    const sp = await insertSpecies(db.pool, "Random test");
    // Seeded, so that a failing sequence can be replayed.
    const rng = new Rng(20261129);
    const rnd = () => rng.next();
    const grid = Array.from({ length: 900 }, (_, i) => ({ lon: (i % 30) + rnd() - 0.5, lat: Math.floor(i / 30) + rnd() - 0.5, rating: rnd() < 0.2 ? AI : AV }));
    await insertRecords(db.pool, sp, [...grid, { lon: null, lat: null, rating: AV }]);
    const live: number[] = [];
    const someBox = () => {
      const x = rnd() * 30, y = rnd() * 30, w = 1 + rnd() * 12, h = 1 + rnd() * 12;
      return box(x - w / 2, y - h / 2, x + w / 2, y + h / 2);
    };
    const authors = ["alice", "bob", "carol"];
    for (let step = 0; step < 60; step++) {
      const pick = live[Math.floor(rnd() * live.length)];
      const op = live.length === 0 ? 0 : Math.floor(rnd() * 5);
      if (op <= 1) live.push(await createVetting(sp, authors[step % 3], rnd() < 0.5 ? KV : KI, someBox()));
      else if (op === 2) await patchVetting(pick, { area: someBox() });
      else if (op === 3) await patchVetting(pick, { classification: rnd() < 0.5 ? KV : KI, comment: `step ${step}` });
      else {
        await db.pool.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [pick]);
        live.splice(live.indexOf(pick), 1);
      }
      // Several changes may wait for one run, as when jobs queue up behind a sync.
      if (rnd() < 0.6) await applyVettings(db.pool, sp);
    }
    await applyVettings(db.pool, sp);
    const { expected, stored } = await expectedAndStored(sp);
    expect(stored).toEqual(expected);
    expect(stored.filter(([, contentious]) => contentious).length).toBeGreaterThan(0);
    expect(stored.filter(([c]) => c === KV || c === KI).length).toBeGreaterThan(0);
    expect(await speciesStats(db.pool, sp)).toMatchObject(await recount(sp));
  });
});
