import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { classificationCode } from "@/lib/domain/codes";
import { setClassifications } from "@/lib/vetting/states";
import type { StagedRow } from "./prepare";
import { deleteBySourceIds, upsertRows } from "./upsert";

let db: TestDatabase;
let a: number;
let b: number;

beforeAll(async () => {
  db = await createTestDatabase();
  const { rows } = await db.pool.query<{ id: number }>(
    "INSERT INTO species (guid, scientific_name) VALUES ('urn:a', 'Alpha'), ('urn:b', 'Beta') RETURNING id",
  );
  [a, b] = rows.map((r) => r.id);
});
afterAll(() => db.drop());

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

function row(i: number, over: Partial<StagedRow> = {}): StagedRow {
  return {
    sourceId: uuid(i),
    speciesId: a,
    datasetId: null,
    lat: -20 - i / 100,
    lon: 140 + i / 100,
    uncertaintyM: 10,
    eventDate: "2020-01-02",
    year: 2020,
    basisOfRecord: 1,
    assertions: 5n,
    sensitive: false,
    duplicateStatus: 0,
    rating: classificationCode.assumed_valid,
    sourceLoadedAt: new Date("2024-01-01T00:00:00Z"),
    imageId: null,
    accurate: null,
    ...over,
  };
}

const seq = async () => (await db.pool.query("SELECT last_value FROM occurrences_id_seq")).rows[0].last_value as number;

describe("upsertRows", () => {
  it("inserts, then changes only what differs, idempotently and without burning ids", async () => {
    const first = await upsertRows(db.pool, [row(1), row(2, { imageId: "img-2" }), row(3, { sensitive: true, accurate: { lat: -21.123456, lon: 141.654321 } })]);
    expect(first).toMatchObject({ added: 3, updated: 0 });
    expect([...first.touched]).toEqual([a]);
    const idsAfterInsert = await seq();

    const again = await upsertRows(db.pool, [row(1), row(2, { imageId: "img-2" }), row(3, { sensitive: true, accurate: { lat: -21.123456, lon: 141.654321 } })]);
    expect(again).toMatchObject({ added: 0, updated: 0 });
    expect(again.touched.size).toBe(0);
    // A reload that changes nothing but the load date is not an update.
    const reload = await upsertRows(db.pool, [row(1, { sourceLoadedAt: new Date() })]);
    expect(reload.updated).toBe(0);

    const changed = await upsertRows(db.pool, [row(1, { lat: -30 }), row(2, { imageId: "img-2b" }), row(3, { sensitive: false })]);
    expect(changed).toMatchObject({ added: 0, updated: 3 });
    expect(await seq()).toBe(idsAfterInsert);

    const { rows: images } = await db.pool.query("SELECT image_id FROM occurrence_images");
    expect(images).toEqual([{ image_id: "img-2b" }]);
    const { rows: accurate } = await db.pool.query("SELECT count(*)::int AS n FROM sensitive_coordinates");
    expect(accurate[0].n).toBe(0);
  });

  it("keeps vetted classifications of records that stay in their species, and follows moves", async () => {
    const { rows: vetted } = await db.pool.query("SELECT id, rating, species_id FROM occurrences WHERE source_id = $1", [uuid(1)]);
    const [{ id, rating, species_id: speciesId }] = vetted;
    await setClassifications(db.pool, speciesId, [{ id, rating, classification: classificationCode.known_invalid, contentious: true }]);
    const upd = await upsertRows(db.pool, [row(1, { lat: -31 })]);
    expect(upd.updated).toBe(1);
    let { rows } = await db.pool.query("SELECT classification, contentious FROM classified_occurrences WHERE source_id = $1", [uuid(1)]);
    expect(rows[0]).toEqual({ classification: classificationCode.known_invalid, contentious: true });

    await db.pool.query("UPDATE species SET status = 'retired' WHERE id = $1", [a]);
    const moved = await upsertRows(db.pool, [row(1, { lat: -31, speciesId: b }), row(2, { imageId: "img-2b", speciesId: b })]);
    expect(moved.moves.get(a)?.get(b)).toBe(2);
    expect([...moved.touched].sort()).toEqual([a, b].sort());
    ({ rows } = await db.pool.query("SELECT classification, contentious FROM classified_occurrences WHERE source_id = $1", [uuid(1)]));
    expect(rows[0]).toEqual({ classification: classificationCode.assumed_valid, contentious: false });
    ({ rows } = await db.pool.query("SELECT status, accepted_species_id FROM species WHERE id = $1", [a]));
    expect(rows[0]).toEqual({ status: "merged", accepted_species_id: b });
  });

  it("refuses a batch naming a species or dataset the database does not hold, writing none of it", async () => {
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n;
    await expect(upsertRows(db.pool, [row(50), row(51, { speciesId: 999_999 })])).rejects.toThrow(
      "the batch names species 999999, which the database does not hold; none of it was written",
    );
    await expect(upsertRows(db.pool, [row(52, { datasetId: 888_888 }), row(53, { speciesId: 999_999 })])).rejects.toThrow(/names species 999999 and datasets 888888/);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n).toBe(before);
  });

  it("refuses to delete a species or dataset that records still name", async () => {
    const { rows } = await db.pool.query<{ id: number }>("INSERT INTO datasets (uid) VALUES ('dr-named'), ('dr-free') RETURNING id");
    const [named, free] = rows.map((r) => r.id);
    const { rows: added } = await db.pool.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ('urn:c', 'Gamma') RETURNING id");
    await upsertRows(db.pool, [row(60, { datasetId: named, speciesId: added[0].id })]);
    await expect(db.pool.query("DELETE FROM species WHERE id = $1", [added[0].id])).rejects.toThrow("cannot delete from species: occurrences still name the row(s)");
    await expect(db.pool.query("DELETE FROM datasets WHERE id = ANY($1)", [[named, free]])).rejects.toThrow("cannot delete from datasets");
    await db.pool.query("DELETE FROM datasets WHERE id = $1", [free]);
    const { rows: left } = await db.pool.query("SELECT uid FROM datasets ORDER BY uid");
    expect(left).toEqual([{ uid: "dr-named" }]);
  });

  it("deletes by source id", async () => {
    const result = await deleteBySourceIds(db.pool, [uuid(2), uuid(99)]);
    expect(result.deleted).toBe(1);
    expect([...result.touched]).toEqual([b]);
  });
});
