import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertSpecies } from "@/lib/tiles/test-helpers";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { countCheck } from "./count-check";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSpecies(db.pool, "urn:magpie");
  await db.pool.query("UPDATE species SET common_name = 'Australian Magpie' WHERE guid = 'urn:magpie'");
  await insertSpecies(db.pool, "urn:wren");
});
afterAll(() => db.drop());

const ids = (n: number) => new Set(Array.from({ length: n }, (_, i) => `bad-${i}`));

describe("countCheck", () => {
  it("passes species whose local count, with the unreadable records, equals the remote one", async () => {
    const malformed = new Map([["urn:wren", ids(3)]]);
    expect(await countCheck(db.pool, [{ guid: "urn:magpie", remote: 2932 }, { guid: "urn:wren", remote: 1000 }], [{ guid: "urn:magpie", count: 2932 }, { guid: "urn:wren", count: 997 }], malformed)).toEqual([]);
  });

  it("names a species whose counts still differ, with its name and both counts", async () => {
    const warnings = await countCheck(db.pool, [{ guid: "urn:magpie", remote: 2932 }, { guid: "urn:gone", remote: 0 }], [{ guid: "urn:magpie", count: 935 }, { guid: "urn:gone", count: 4 }], new Map());
    expect(warnings).toEqual([
      { guid: "urn:magpie", name: "Australian Magpie", remote: 2932, local: 935, malformed: 0, reason: "differs" },
      { guid: "urn:gone", name: null, remote: 0, local: 4, malformed: 0, reason: "differs" },
    ]);
  });

  it("names a species with more than 1 % of its records unreadable, though its counts agree", async () => {
    const at = (bad: number) => countCheck(db.pool, [{ guid: "urn:wren", remote: 1000 }], [{ guid: "urn:wren", count: 1000 - bad }], new Map([["urn:wren", ids(bad)]]));
    expect(await at(10)).toEqual([]);
    expect(await at(11)).toEqual([{ guid: "urn:wren", name: expect.any(String), remote: 1000, local: 989, malformed: 11, reason: "malformed" }]);
  });
});
