import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRecordFilters } from "@/lib/occurrences/filters";
import { addManyRecords, addSpecies } from "@/lib/occurrences/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { speciesSummary } from "./summary";

let db: TestDatabase;
let species: number;

beforeAll(async () => {
  db = await createTestDatabase();
  species = await addSpecies(db.pool, "Malurus cyaneus", "Superb Fairy-wren");
  await addManyRecords(db.pool, species, 2500);
});
afterAll(() => db.drop());

const summarise = async (query: string) => (await speciesSummary(species, parseRecordFilters(new URLSearchParams(query))))!;
const count = async (where: string) =>
  Number((await db.pool.query(`SELECT count(*) FROM classified_occurrences WHERE species_id = $1 AND ${where}`, [species])).rows[0].count);

describe("species summary", () => {
  it("matching: every filter, as the download and the tiles select records", async () => {
    const s = await summarise("years=1980-1999&classifications=assumed_valid,known_invalid");
    const where = "year BETWEEN 1980 AND 1999 AND classification IN (2, 4) AND duplicate_status <> 3";
    expect(s.matching).toEqual({
      count: await count(where),
      contentious: await count(`${where} AND contentious`),
      mapped: await count(`${where} AND lat IS NOT NULL`),
    });
  });

  it("categories: the year and duplicate filters but every category, for the legend", async () => {
    const s = await summarise("years=1980-1999&classifications=assumed_valid&duplicates=show");
    expect(s.categories).toEqual({
      knownValid: await count("year BETWEEN 1980 AND 1999 AND classification = 1"),
      assumedValid: await count("year BETWEEN 1980 AND 1999 AND classification = 2"),
      assumedInvalid: await count("year BETWEEN 1980 AND 1999 AND classification = 3"),
      knownInvalid: await count("year BETWEEN 1980 AND 1999 AND classification = 4"),
    });
  });

  it("years: every year (the range in context), only the categories shown, oldest first", async () => {
    const s = await summarise("years=1980-1999&classifications=known_valid");
    expect(s.years.map((y) => y.year)).toEqual(Array.from({ length: 70 }, (_, i) => 1950 + i).filter((y) => s.years.some((r) => r.year === y)));
    expect(s.years[0].year).toBeLessThan(1980);
    expect(s.years.every((y) => y.assumedValid === 0 && y.assumedInvalid === 0 && y.knownInvalid === 0)).toBe(true);
    expect(s.years.reduce((n, y) => n + y.knownValid, 0)).toBe(await count("year IS NOT NULL AND classification = 1 AND duplicate_status <> 3"));
  });

  it("records without a year count until a year bound is set", async () => {
    const all = await summarise("duplicates=show");
    expect(all.matching.count).toBe(await count("true"));
    const bounded = await summarise("duplicates=show&yearFrom=1950");
    expect(bounded.matching.count).toBe(await count("year IS NOT NULL"));
  });

  it("is null for an unknown species", async () => {
    expect(await speciesSummary(404_404, parseRecordFilters(new URLSearchParams()))).toBeNull();
  });
});
