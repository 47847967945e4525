import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { loadCandidates } from "./records";
import { insertRecords, insertSpecies, recordStates } from "./test-fixtures";
import { writeBack } from "./write-back";

const AV = 2, KI = 4;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("writeBack", () => {
  it("writes the rows where they were read, and finds by id the ones a concurrent writer moved", async () => {
    const sp = await insertSpecies(db.pool, "Write back");
    const ids = await insertRecords(db.pool, sp, [1, 2, 3, 4].map((x) => ({ lon: x, lat: x, rating: AV })));
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      const stored = await loadCandidates(client, sp, [[0, 0, 10, 10]], { formerlyVetted: false });
      expect(stored.id.length).toBe(4);
      // The sync updates one record on another connection meanwhile: a new row version elsewhere.
      await db.pool.query("UPDATE occurrences SET year = 1999 WHERE id = $1", [ids[1]]);
      const next = { classification: new Uint8Array(4).fill(KI), contentious: Uint8Array.from([0, 1, 0, 1]) };
      await writeBack(client, sp, stored, next, Int32Array.from([0, 1, 3]));
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect(await recordStates(db.pool, ids)).toEqual([[KI, false], [KI, true], [AV, false], [KI, true]]);
    const { rows } = await db.pool.query("SELECT year FROM occurrences WHERE id = $1", [ids[1]]);
    expect(rows[0].year).toBe(1999);
  });
});
