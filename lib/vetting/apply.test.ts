import type { Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { applyVettings } from "./apply";
import { CHUNK_BITS } from "./states";
import { insertRecords, insertSpecies, insertUser, insertVetting, recordStates, speciesStats } from "./test-fixtures";

const KV = 1, AV = 2, AI = 3, KI = 4;

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: "Polygon",
  coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertUser(db.pool, "alice", "expert");
  await insertUser(db.pool, "bob", "expert");
});
afterAll(() => db.drop());

describe("applyVettings", () => {
  it("reclassifies covered records, counts them, bumps data_version, and restores ratings on delete", async () => {
    const sp = await insertSpecies(db.pool, "Aus bus");
    const other = await insertSpecies(db.pool, "Aus other");
    const ids = await insertRecords(db.pool, sp, [
      { lon: 1, lat: 1, rating: AV },
      { lon: 6, lat: 6, rating: AI },
      { lon: 20, lat: 20, rating: AI },
      { lon: null, lat: null, rating: AV },
    ]);
    const [otherRecord] = await insertRecords(db.pool, other, [{ lon: 1, lat: 1, rating: AV }]);

    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 0 });
    const v1 = await insertVetting(db.pool, sp, "alice", KV, box(0, 0, 10, 10), "2025-01-01T00:00:00Z");
    const v2 = await insertVetting(db.pool, sp, "bob", KI, box(5, 5, 15, 15), "2025-02-01T00:00:00Z");

    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 2 });
    expect(await recordStates(db.pool, ids)).toEqual([
      [KV, false],
      [KI, true],
      [AI, false],
      [AV, false],
    ]);
    expect(await speciesStats(db.pool, sp)).toEqual({
      occurrence_count: 4,
      known_valid_count: 1,
      assumed_valid_count: 1,
      assumed_invalid_count: 1,
      known_invalid_count: 1,
      contentious_count: 1,
      data_version: 2,
    });
    // Another species' record at the same place is untouched.
    expect(await recordStates(db.pool, [otherRecord])).toEqual([[AV, false]]);

    // Idempotent: nothing changes, the version stays.
    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 0 });
    expect((await speciesStats(db.pool, sp)).data_version).toBe(2);

    await db.pool.query(`UPDATE vettings SET deleted_at = now() WHERE id = $1`, [v2]);
    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 1 });
    expect(await recordStates(db.pool, ids)).toEqual([
      [KV, false],
      [KV, false],
      [AI, false],
      [AV, false],
    ]);

    await db.pool.query(`UPDATE vettings SET deleted_at = now() WHERE id = $1`, [v1]);
    expect(await applyVettings(db.pool, sp)).toEqual({ changed: 2 });
    expect(await recordStates(db.pool, ids)).toEqual([
      [AV, false],
      [AI, false],
      [AI, false],
      [AV, false],
    ]);
    expect(await speciesStats(db.pool, sp)).toMatchObject({ known_valid_count: 0, assumed_valid_count: 2, assumed_invalid_count: 2, data_version: 4 });
  });

  it("runs inside a caller's transaction on a client, and its rollback undoes the work", async () => {
    const sp = await insertSpecies(db.pool, "Aus tx");
    const ids = await insertRecords(db.pool, sp, [{ lon: 1, lat: 1, rating: AV }]);
    await insertVetting(db.pool, sp, "alice", KI, box(0, 0, 10, 10), "2025-01-01T00:00:00Z");
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      expect(await applyVettings(client, sp)).toEqual({ changed: 1 });
      await client.query("ROLLBACK");
      expect(await recordStates(db.pool, ids)).toEqual([[AV, false]]);
      // And on an idle client it commits on its own.
      expect(await applyVettings(client, sp)).toEqual({ changed: 1 });
    } finally {
      client.release();
    }
    expect(await recordStates(db.pool, ids)).toEqual([[KI, false]]);
  });

  it("serialises concurrent runs for one species and lets different species run together", async () => {
    const a = await insertSpecies(db.pool, "Aus concurrens");
    const b = await insertSpecies(db.pool, "Aus alter");
    const points = Array.from({ length: 500 }, (_, i) => ({ lon: i % 20, lat: Math.floor(i / 20), rating: AV }));
    await insertRecords(db.pool, a, points);
    await insertRecords(db.pool, b, points);
    await insertVetting(db.pool, a, "alice", KI, box(0, 0, 9.5, 30), "2025-01-01T00:00:00Z");
    await insertVetting(db.pool, b, "bob", KV, box(0, 0, 4.5, 30), "2025-01-01T00:00:00Z");
    const results = await Promise.all([applyVettings(db.pool, a), applyVettings(db.pool, a), applyVettings(db.pool, b)]);
    // Exactly one of the two runs for `a` did the work; the other found nothing left to change.
    expect(results.map((r) => r.changed).sort((x, y) => x - y)).toEqual([0, 125, 250]);
    expect(await speciesStats(db.pool, a)).toMatchObject({ known_invalid_count: 250, assumed_valid_count: 250, data_version: 2 });
    expect(await speciesStats(db.pool, b)).toMatchObject({ known_valid_count: 125, assumed_valid_count: 375, data_version: 2 });
  });
  it("keeps states packed: chunks only where vettings decided, none once no vetting is left, and a full run clears a departed record's byte", async () => {
    const sp = await insertSpecies(db.pool, "Aus packed");
    const elsewhere = await insertSpecies(db.pool, "Aus elsewhere");
    const ids = await insertRecords(db.pool, sp, [{ lon: 1, lat: 1, rating: AV }, { lon: 30, lat: 30, rating: AV }]);
    const chunks = async () =>
      (await db.pool.query("SELECT chunk, get_byte(states, $2::int & 2047) AS b FROM classification_states WHERE species_id = $1", [sp, ids[0]])).rows;
    expect(await chunks()).toEqual([]);

    const v = await insertVetting(db.pool, sp, "alice", KI, box(0, 0, 10, 10), "2025-01-01T00:00:00Z");
    await applyVettings(db.pool, sp);
    expect(await chunks()).toEqual([{ chunk: ids[0] >> CHUNK_BITS, b: KI * 2 }]);

    // The record moves to another species (a sync): there it is unvetted, and the full run the
    // sync makes for its old species drops the byte it left behind.
    await db.pool.query("UPDATE occurrences SET species_id = $2 WHERE id = $1", [ids[0], elsewhere]);
    expect(await recordStates(db.pool, [ids[0]])).toEqual([[AV, false]]);
    await applyVettings(db.pool, sp, { full: true });
    expect(await chunks()).toEqual([]);

    await db.pool.query("UPDATE occurrences SET species_id = $2 WHERE id = $1", [ids[0], sp]);
    await applyVettings(db.pool, sp, { full: true });
    expect(await recordStates(db.pool, ids)).toEqual([[KI, false], [AV, false]]);
    await db.pool.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [v]);
    await applyVettings(db.pool, sp);
    expect(await chunks()).toEqual([]);
    expect(await recordStates(db.pool, ids)).toEqual([[AV, false], [AV, false]]);
  });
});
