import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { CHUNK_SIZE, differingChunks, encodeState, readStates, setClassifications, setState, stateOf, writeStates, type States } from "./states";
import { insertRecords, insertSpecies, recordStates } from "./test-fixtures";

const KV = 1, AV = 2, AI = 3, KI = 4;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("state bytes", () => {
  it("are 0 while the rating stands, else classification * 2 + contentious", () => {
    expect(encodeState(AV, 0, AV)).toBe(0);
    expect(encodeState(AI, 0, AI)).toBe(0);
    expect(encodeState(KV, 0, AV)).toBe(2);
    expect(encodeState(KI, 1, AV)).toBe(9);
  });

  it("are read and set by record id, across chunk boundaries, and only differing chunks are reported", () => {
    const states: States = new Map();
    expect(stateOf(states, 5)).toBe(0);
    expect(setState(states, CHUNK_SIZE - 1, 0)).toBe(0);
    expect(states.size).toBe(0); // a zero byte needs no chunk
    expect(setState(states, CHUNK_SIZE, 9)).toBe(1);
    expect([stateOf(states, CHUNK_SIZE - 1), stateOf(states, CHUNK_SIZE), stateOf(states, CHUNK_SIZE + 1)]).toEqual([0, 9, 0]);
    const after: States = new Map([[1, new Uint8Array(CHUNK_SIZE)], [3, new Uint8Array(CHUNK_SIZE).fill(2)]]);
    after.get(1)![0] = 9;
    // Chunk 1 equal, 3 new; an all-zero chunk equals an absent one.
    expect(differingChunks(states, after)).toEqual([3]);
    expect(differingChunks(new Map([[7, new Uint8Array(CHUNK_SIZE)]]), new Map())).toEqual([]);
  });
});

describe("stored states", () => {
  it("round-trip, keep only chunks with a decision, and are what classified_occurrences reads", async () => {
    const sp = await insertSpecies(db.pool, "Aus states");
    const ids = await insertRecords(db.pool, sp, [{ lon: 1, lat: 1, rating: AV }, { lon: 2, lat: 2, rating: AI }, { lon: 3, lat: 3, rating: AV }]);
    expect(await recordStates(db.pool, ids)).toEqual([[AV, false], [AI, false], [AV, false]]);

    await setClassifications(db.pool, sp, [
      { id: ids[0], rating: AV, classification: KI, contentious: true },
      { id: ids[1], rating: AI, classification: KV, contentious: false },
    ]);
    expect(await recordStates(db.pool, ids)).toEqual([[KI, true], [KV, false], [AV, false]]);
    const stored = await readStates(db.pool, sp);
    expect(stateOf(stored, ids[0])).toBe(9);
    expect([...stored.values()].every((c) => c.length === CHUNK_SIZE)).toBe(true);

    // Back to the ratings: the chunks go.
    await setClassifications(db.pool, sp, [
      { id: ids[0], rating: AV, classification: AV, contentious: false },
      { id: ids[1], rating: AI, classification: AI, contentious: false },
    ]);
    expect(await recordStates(db.pool, ids)).toEqual([[AV, false], [AI, false], [AV, false]]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM classification_states WHERE species_id = $1", [sp]);
    expect(rows[0].n).toBe(0);
    await writeStates(db.pool, sp, new Map(), []); // nothing to write: no statement, no error
  });

  it("refuses a chunk of the wrong length", async () => {
    const sp = await insertSpecies(db.pool, "Aus short");
    await expect(writeStates(db.pool, sp, new Map([[0, new Uint8Array(10).fill(2)]]), [0])).rejects.toThrow(/check constraint/);
  });
});
