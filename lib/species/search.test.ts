import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSpecies } from "@/lib/occurrences/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { NAME_WORDS_SQL, prefixQuery, queryWords, searchSpecies } from "./search";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const species: [string, string | null, number, ("active" | "merged" | "retired")?][] = [
    ["Malurus cyaneus", "Superb Fairy-wren", 500],
    ["Malurus splendens", "Splendid Fairywren", 300],
    ["Stipiturus malachurus", "Southern Emu-wren", 40],
    ["Amytornis striatus", "Striated Grasswren", 20],
    ["Wrenella testensis", null, 5],
    ["Cacatua galerita", "Sulphur-crested Cockatoo", 900],
    ["Menura novaehollandiae", "Superb Lyrebird", 200],
    ["Malurus oldus", "Old Fairy-wren", 1000, "merged"],
    ["Ninox boobook", "Southern Boobook", 150],
    ["Ninox", "Ninox owls", 1],
    ["Corvus coronoides", "Australian Raven", 10],
  ];
  for (const [scientific, common, count, status] of species) {
    const id = await addSpecies(db.pool, scientific, common, status);
    await db.pool.query("UPDATE species SET occurrence_count = $2 WHERE id = $1", [id, count]);
  }
});
afterAll(() => db.drop());

const names = async (q: string, limit = 10) => (await searchSpecies({ q, limit })).map((s) => s.scientificName);

describe("species search", () => {
  it("finds a later word of the common name, including a hyphenated part and a word inside a compound", async () => {
    // Begins the scientific name, then the rest by records: a hyphenated part (Fairy-wren, Emu-wren)
    // or a word inside a compound (Fairywren, Grasswren).
    expect(await names("wren")).toEqual(["Wrenella testensis", "Malurus cyaneus", "Malurus splendens", "Stipiturus malachurus", "Amytornis striatus"]);
  });

  it("matches prefixes of scientific and common names, case-insensitively", async () => {
    expect(await names("MALU")).toEqual(["Malurus cyaneus", "Malurus splendens"]);
    expect(await names("superb")).toEqual(["Malurus cyaneus", "Menura novaehollandiae"]);
    expect(await names("sulphur-cr")).toEqual(["Cacatua galerita"]);
  });

  it("requires every word typed, in any position", async () => {
    expect(await names("superb fairy")).toEqual(["Malurus cyaneus"]);
    expect(await names("mal cyan")).toEqual(["Malurus cyaneus"]);
    expect(await names("superb cockatoo")).toEqual([]);
  });

  it("leaves out merged and retired species", async () => {
    expect(await names("old")).toEqual([]);
  });

  it("ranks an exact name first, then names beginning with the query, then by record count", async () => {
    expect(await names("ninox")).toEqual(["Ninox", "Ninox boobook"]);
    expect(await names("c")).toEqual([
      "Cacatua galerita",
      "Corvus coronoides", // begins with c, few records
      "Malurus cyaneus", // only a later word ("cyaneus") begins with c, though it has many records
    ]);
  });

  it("treats quotes, operators and markup as separators, never as query syntax", async () => {
    expect(await names("'wren':* | !malurus")).toEqual(["Malurus cyaneus"]);
    expect(await names("<b>superb</b>")).toEqual([]);
    expect(await names("&&&")).toHaveLength(10); // no words: every active species
    expect(queryWords(`a'b & c|d!`)).toEqual(["a", "b", "c", "d"]);
    expect(prefixQuery(["fairy", "wren"])).toBe("'fairy':* & 'wren':*");
  });

  it("lists the most-recorded species for an empty query, up to the limit", async () => {
    expect(await names("", 3)).toEqual(["Cacatua galerita", "Malurus cyaneus", "Malurus splendens"]);
  });

  it("answers from the word index, not a scan of every species", async () => {
    const client = await db.pool.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query(`EXPLAIN SELECT id FROM species WHERE ${NAME_WORDS_SQL} @@ to_tsquery('simple', $1)`, [
        prefixQuery(["wren"]),
      ]);
      expect(rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("species_name_words");
    } finally {
      client.release();
    }
  });

  // Last: these species would change the lists the tests above expect.
  it("ranks a whole word of the name above names beginning with the query and compound words, most-recorded first", async () => {
    for (const [scientific, common, count] of [
      ["Grallina cyanoleuca", "Magpie-lark", 1642],
      ["Anseranas semipalmata", "Magpie Goose", 14],
      ["Gymnorhina tibicen", "Australian Magpie", 11570],
      ["Tyto javanica", "Eastern Barn Owl", 60],
      ["Aegotheles cristatus", "Australian Owlet-nightjar", 700],
    ] as const) {
      const id = await addSpecies(db.pool, scientific, common);
      await db.pool.query("UPDATE species SET occurrence_count = $2 WHERE id = $1", [id, count]);
    }
    expect(await names("magpie")).toEqual(["Gymnorhina tibicen", "Anseranas semipalmata", "Grallina cyanoleuca"]);
    expect(await names("owl")).toEqual(["Tyto javanica", "Aegotheles cristatus", "Ninox"]);
    expect(await names("ninox owls")).toEqual(["Ninox"]);
  });
});
