// What GET /api/species/{id} tells the page about vettings: whether a change is still being
// applied, and a version that moves with every change of the species' vettings.
import type { Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { applyVettings } from "@/lib/vetting/apply";
import { insertSpecies, insertUser, insertVetting } from "@/lib/vetting/test-fixtures";
import { getSpecies } from "./detail";

const KNOWN_INVALID = 4;
const area: Polygon = { type: "Polygon", coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]] };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertUser(db.pool, "alice", "expert");
});
afterAll(() => db.drop());

const createVetting = (speciesId: number) => insertVetting(db.pool, speciesId, "alice", KNOWN_INVALID, area);

describe("species detail and vettings", () => {
  it("says it is re-classifying from a vetting change until its run has committed", async () => {
    const sp = await insertSpecies(db.pool, "Status test");
    const reclassifying = async () => (await getSpecies(sp))!.reclassifying;
    expect(await reclassifying()).toBe(false);
    const id = await createVetting(sp);
    expect(await reclassifying()).toBe(true);
    await applyVettings(db.pool, sp);
    expect(await reclassifying()).toBe(false);
    // A comment queues no work, so there is nothing to wait for.
    await db.pool.query("UPDATE vettings SET comment = 'a note only' WHERE id = $1", [id]);
    expect(await reclassifying()).toBe(false);
  });

  it("moves vettingsVersion with every vetting change, a comment-only one and a delete included", async () => {
    const sp = await insertSpecies(db.pool, "Version test");
    const other = await insertSpecies(db.pool, "Other species");
    const version = async () => (await getSpecies(sp))!.vettingsVersion;
    const seen = [await version()];
    expect(seen[0]).toMatch(/^[0-9a-f]{16}$/);

    const id = await createVetting(sp);
    seen.push(await version());
    // Applying it, or another species' vetting, is no change to this species' vettings.
    await applyVettings(db.pool, sp);
    await createVetting(other);
    expect(await version()).toBe(seen[1]);

    await db.pool.query("UPDATE vettings SET comment = 'cage escapes' WHERE id = $1", [id]);
    seen.push(await version());
    await db.pool.query("UPDATE vettings SET updated_at = updated_at + interval '1 second' WHERE id = $1", [id]);
    seen.push(await version());
    await db.pool.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [id]);
    seen.push(await version());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
