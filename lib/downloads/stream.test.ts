import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDataset, addManyRecords, addRecord, addSpecies } from "@/lib/occurrences/test-support";
import { parseRecordFilters } from "@/lib/occurrences/filters";
import { speciesSummary } from "@/lib/species/summary";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { config } from "@/lib/config";
import { COLUMNS, SENSITIVE_NOTE } from "./columns";
import { downloadOccurrences, type DownloadFormat } from "./stream";
import { csvRecords, parseCsv } from "./test-support";

let db: TestDatabase;
let species: number;
let awkward: number;
const filters = (query: string) => parseRecordFilters(new URLSearchParams(query));

beforeAll(async () => {
  db = await createTestDatabase();
  const dataset = await addDataset(db.pool, "dr1", "BirdLife Australia, Birdata", "BirdLife Australia", "CC-BY 4.0 (Int)");
  species = await addSpecies(db.pool, "Malurus cyaneus", "Superb Fairy-wren");
  await addManyRecords(db.pool, species, 3000, dataset);
  awkward = await addSpecies(db.pool, "Testus awkwardus", 'Bird "Quoted", <b>bold</b>\nsecond line');
});
afterAll(() => db.drop());

async function text(speciesId: number, format: DownloadFormat, query = "", batchSize?: number): Promise<string> {
  const download = await downloadOccurrences(speciesId, format, filters(query), batchSize);
  return new Response(download!.body).text();
}

const sqlCount = async (where: string) =>
  Number((await db.pool.query(`SELECT count(*) FROM classified_occurrences WHERE species_id = $1 AND ${where}`, [species])).rows[0].count);

describe("downloads", () => {
  it.each([
    ["", "duplicate_status <> 3"],
    ["duplicates=show", "true"],
    ["classification=known_valid,assumed_invalid", "duplicate_status <> 3 AND classification IN (1, 3)"],
    ["classifications=known_invalid&duplicates=show", "classification = 4"],
    ["years=1990-2000", "duplicate_status <> 3 AND year BETWEEN 1990 AND 2000"],
    ["yearFrom=2010&duplicates=show", "year >= 2010"],
    ["classification=", "false"],
  ])("with filters %j: CSV rows = GeoJSON features = the panel's matching count = the database's", async (query, where) => {
    const expected = await sqlCount(where);
    const csv = parseCsv(await text(species, "csv", query, 700));
    const geojson = JSON.parse(await text(species, "geojson", query, 700));
    const summary = await speciesSummary(species, filters(query));
    expect(csv.length - 1).toBe(expected);
    expect(geojson.features).toHaveLength(expected);
    expect(summary!.matching.count).toBe(expected);
  });

  it("writes the Darwin Core header and one row per record, with dataset attribution", async () => {
    const csv = await text(species, "csv", "classification=known_valid&years=2000-2000");
    const [header] = parseCsv(csv);
    expect(header).toEqual(COLUMNS.map((c) => c.name));
    expect(header.slice(0, 3)).toEqual(["occurrenceID", "scientificName", "vernacularName"]);
    const records = csvRecords(csv);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r).toMatchObject({
        scientificName: "Malurus cyaneus",
        vernacularName: "Superb Fairy-wren",
        year: "2000",
        basisOfRecord: "HumanObservation",
        datasetName: "BirdLife Australia, Birdata",
        dataProviderName: "BirdLife Australia",
        license: "CC-BY 4.0 (Int)",
        classification: "known_valid",
      });
      expect(r.occurrenceID).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.references).toBe(`https://biocache.ala.org.au/occurrences/${r.occurrenceID}`);
    }
  });

  it("escapes commas, quotes, line breaks and keeps markup as plain text", async () => {
    const dataset = await addDataset(db.pool, "dr2", 'Birds <b>in</b> Backyards — "Früh", Bénévoles\nSurvey', "=cmd|' /C calc'!A0", "CC0");
    await addRecord(db.pool, awkward, { datasetId: dataset, eventDate: "2003-04-05", uncertaintyM: 12.5 });
    const csv = await text(awkward, "csv");
    const [record] = csvRecords(csv);
    expect(csvRecords(csv)).toHaveLength(1);
    expect(record.vernacularName).toBe('Bird "Quoted", <b>bold</b>\nsecond line');
    expect(record.datasetName).toBe('Birds <b>in</b> Backyards — "Früh", Bénévoles\nSurvey');
    expect(record.dataProviderName).toBe("'=cmd|' /C calc'!A0");
    expect(record.eventDate).toBe("2003-04-05");
    expect(record.coordinateUncertaintyInMeters).toBe("12.5");
    const geojson = JSON.parse(await text(awkward, "geojson"));
    expect(geojson.features[0].properties.datasetName).toBe('Birds <b>in</b> Backyards — "Früh", Bénévoles\nSurvey');
  });

  it("lists a record's image (associatedMedia) only once its licence is known", async () => {
    const pictured = await addSpecies(db.pool, "Menura novaehollandiae", "Superb Lyrebird");
    const licensed = await addRecord(db.pool, pictured, { year: 2001 });
    const pending = await addRecord(db.pool, pictured, { year: 2002 });
    await db.pool.query(
      `INSERT INTO occurrence_images (occurrence_id, image_id, license) VALUES ($1, 'c0ffee00-aaaa-4bbb-8ccc-000000001234', 'CC BY 4.0'), ($2, 'b', NULL)`,
      [licensed.id, pending.id],
    );
    const rows = csvRecords(await text(pictured, "csv"));
    expect(Object.fromEntries(rows.map((r) => [r.occurrenceID, r.associatedMedia]))).toEqual({
      // The original as the images service serves it, under the configured ALA_IMAGES_URL.
      [licensed.uuid]: `${config().ALA_IMAGES_URL}/store/4/3/2/1/c0ffee00-aaaa-4bbb-8ccc-000000001234/original`,
      [pending.uuid]: "",
    });
  });

  it("writes valid GeoJSON: Points at [lon, lat], null geometry for records without coordinates", async () => {
    const fc = JSON.parse(await text(species, "geojson", "duplicates=show", 500));
    expect(fc.type).toBe("FeatureCollection");
    const located = fc.features.filter((f: { geometry: unknown }) => f.geometry !== null);
    expect(fc.features.length - located.length).toBe(await sqlCount("lat IS NULL"));
    for (const f of fc.features) {
      expect(f.type).toBe("Feature");
      expect(Object.keys(f.properties)).toEqual(COLUMNS.map((c) => c.name));
      if (f.geometry === null) continue;
      expect(f.geometry.type).toBe("Point");
      const [lon, lat] = f.geometry.coordinates;
      expect([lon, lat]).toEqual([f.properties.decimalLongitude, f.properties.decimalLatitude]);
      expect(lon).toBeGreaterThanOrEqual(-180);
      expect(lat).toBeLessThanOrEqual(90);
    }
  });

  it("gives sensitive records only at their public, generalised position", async () => {
    const secretive = await addSpecies(db.pool, "Pezoporus occidentalis", "Night Parrot");
    const { id } = await addRecord(db.pool, secretive, { lat: -23.1, lon: 139.2, sensitive: true, uncertaintyM: 10000 });
    await db.pool.query("INSERT INTO sensitive_coordinates (occurrence_id, lat, lon) VALUES ($1, -23.123456, 139.234567)", [id]);
    const csv = await text(secretive, "csv");
    const geojson = await text(secretive, "geojson");
    for (const body of [csv, geojson]) {
      expect(body).not.toContain("23.123456");
      expect(body).not.toContain("139.234567");
    }
    expect(csvRecords(csv)[0]).toMatchObject({ decimalLatitude: "-23.1", decimalLongitude: "139.2", dataGeneralizations: SENSITIVE_NOTE });
    expect(JSON.parse(geojson).features[0].geometry.coordinates).toEqual([139.2, -23.1]);
  });

  it("streams: the first rows arrive while the query is still open, and cancelling ends it", async () => {
    const big = await addSpecies(db.pool, "Cacatua galerita", "Sulphur-crested Cockatoo");
    await addManyRecords(db.pool, big, 20_000);
    const download = await downloadOccurrences(big, "csv", filters("duplicates=show"), 500);
    const reader = download!.body.getReader();
    const decoder = new TextDecoder();
    let received = "";
    try {
      while (parseCsv(received).length < 10) received += decoder.decode((await reader.read()).value, { stream: true });
      // Rows are in hand, and the cursor's transaction is still open on the server: the result was
      // not gathered first. Only the batches asked for so far were fetched. The stream may be
      // fetching its next batch right now (active) or waiting to be read (idle in transaction).
      const open = await db.pool.query(
        `SELECT state FROM pg_stat_activity WHERE datname = current_database()
            AND state IN ('active', 'idle in transaction') AND query LIKE 'FETCH%'`,
      );
      expect(open.rows).toHaveLength(1);
      expect(parseCsv(received).length).toBeLessThan(2000);
    } finally {
      // Also when an assertion failed: an open cursor would keep the test database from being dropped.
      await reader.cancel();
    }
    await expect
      .poll(async () => (await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'")).rows[0].n)
      .toBe(0);
  });

  it("is null for an unknown species", async () => {
    expect(await downloadOccurrences(999_999, "csv", filters(""))).toBeNull();
  });
});
