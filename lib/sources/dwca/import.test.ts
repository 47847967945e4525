import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { classificationCode } from "@/lib/domain/codes";
import { upsertRows } from "@/lib/sync/upsert";
import Papa from "papaparse";
import { downloadOccurrences } from "@/lib/downloads/stream";
import { filterCondition, parseRecordFilters } from "@/lib/occurrences/filters";
import { DEFAULT_FILTERS } from "@/lib/tiles/filters";
import { tryAcquireSyncLock } from "@/lib/sync/lock";
import { addSource, getSource } from "../registry";
import { removeSourceAndRecords } from "../remove";
import { runSource, SourceBusyError } from "../run";
import { mapName } from "../species-match";
import { withLocksCut } from "../test-support";
import { coreText, EML, metaXml, writeArchive, writeZip, type TestRecord } from "./test-archive";

let db: TestDatabase;
let dir: string;
let magpie: number;
let wren: number;

const MAGPIE_GUID = "https://biodiversity.org.au/afd/taxa/magpie";

beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-dwca-"));
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO species (guid, scientific_name, common_name) VALUES
       ($1, 'Gymnorhina tibicen', 'Australian Magpie'), ('urn:wren', 'Malurus cyaneus', 'Superb Fairywren') RETURNING id`,
    [MAGPIE_GUID],
  );
  [magpie, wren] = rows.map((r) => r.id);
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base: TestRecord[] = [
  { occurrenceID: "obs-1", scientificName: "Gymnorhina tibicen (Latham, 1801)", class: "Aves", decimalLatitude: "-35.1", decimalLongitude: "149.1", eventDate: "2024-03-01", basisOfRecord: "HumanObservation" },
  { occurrenceID: "obs-2", scientificName: "Some name", taxonConceptID: MAGPIE_GUID, class: "Aves", decimalLatitude: "-35.2", decimalLongitude: "149.2", eventDate: "2024-03-02T06:30:00" },
  { occurrenceID: "obs-3", scientificName: "Malurus cyaneus cyanochlamys Sharpe, 1881", class: "Aves", decimalLatitude: "-27.5", decimalLongitude: "153.0", eventDate: "2024-03-03/2024-03-04" },
  { occurrenceID: "obs-4", scientificName: "Vombatus ursinus", class: "Mammalia", decimalLatitude: "-35.3", decimalLongitude: "149.3", eventDate: "2024-03-04" },
  { occurrenceID: "obs-5", scientificName: "Corvus nonexistens Smith, 1900", class: "Aves", decimalLatitude: "-35.4", decimalLongitude: "149.4", eventDate: "2024-03-05" },
  { occurrenceID: "obs-6", scientificName: "Gymnorhina tibicen", class: "Aves", decimalLatitude: "-35.5", decimalLongitude: "149.5", eventDate: "2024-03-06", basisOfRecord: "PreservedSpecimen" },
];

async function records(source: number) {
  const { rows } = await db.pool.query<{ occurrence_key: string; species_id: number; lat: number; event_date: string | null; year: number; dataset: string; license: string | null }>(
    `SELECT o.occurrence_key, o.species_id, o.lat, to_char(o.event_date, 'YYYY-MM-DD') AS event_date, o.year, d.name AS dataset, d.license
     FROM occurrences o LEFT JOIN datasets d ON d.id = o.dataset_id WHERE o.source = $1 ORDER BY o.occurrence_key`,
    [source],
  );
  return rows;
}

describe("importing a Darwin Core Archive", () => {
  let source: number;

  it("imports birds by species id or by name without authorship, skips and counts the rest, lists unmatched names", async () => {
    source = (await addSource(db.pool, { kind: "dwca", name: "Backyard", settings: { location: path.join(dir, "v1.zip") } })).id;
    await writeArchive(path.join(dir, "v1.zip"), base);
    const result = await runSource(db.pool, source);
    expect(result).toMatchObject({ status: "succeeded", added: 3, updated: 0, deleted: 0, skipped: 3, skippedByReason: { notBird: 1, unmatchedName: 1, basisOfRecord: 1 } });
    const rows = await records(source);
    expect(rows.map((r) => [r.occurrence_key, r.species_id, r.event_date])).toEqual([
      ["obs-1", magpie, "2024-03-01"],
      ["obs-2", magpie, "2024-03-02"],
      ["obs-3", wren, "2024-03-03"],
    ]);
    // The archive's own dataset, named and licensed by its eml.xml.
    expect(rows[0]).toMatchObject({ dataset: "Backyard bird survey", license: expect.stringContaining("CC-BY 4.0") });
    const unmatched = await db.pool.query("SELECT name_key, name, records FROM source_unmatched_names WHERE source_id = $1", [source]);
    expect(unmatched.rows).toEqual([{ name_key: "corvus nonexistens", name: "Corvus nonexistens Smith, 1900", records: 1 }]);
    const sp = await db.pool.query("SELECT occurrence_count FROM species WHERE id = $1", [magpie]);
    expect(sp.rows[0].occurrence_count).toBe(2);
    const src = await db.pool.query("SELECT last_import_at FROM sources WHERE id = $1", [source]);
    expect(src.rows[0].last_import_at).toBeInstanceOf(Date);
  });

  it("takes a newer version as an incremental update: changed rows updated, gone ones deleted, the rest untouched", async () => {
    const v2 = base.filter((r) => r.occurrenceID !== "obs-2").map((r) => (r.occurrenceID === "obs-1" ? { ...r, decimalLatitude: "-35.9" } : r));
    v2.push({ occurrenceID: "obs-7", scientificName: "Malurus cyaneus", class: "Aves", decimalLatitude: "-27.6", decimalLongitude: "153.1", eventDate: "2024-04-01" });
    const file = await writeArchive(path.join(dir, "v2.zip"), v2);
    const result = await runSource(db.pool, source, { file });
    expect(result).toMatchObject({ status: "succeeded", added: 1, updated: 1, deleted: 1 });
    const rows = await records(source);
    expect(rows.map((r) => r.occurrence_key)).toEqual(["obs-1", "obs-3", "obs-7"]);
    expect(rows[0].lat).toBeCloseTo(-35.9, 5);
    // The same version again changes nothing.
    expect(await runSource(db.pool, source, { file })).toMatchObject({ status: "succeeded", added: 0, updated: 0, deleted: 0 });
    // Each successful run leaves the source's count, which the listing shows without recounting.
    const counted = await db.pool.query("SELECT records FROM source_runs WHERE source_id = $1 ORDER BY id", [source]);
    expect(counted.rows.map((r) => r.records)).toEqual([3, 3, 3]);
    expect((await getSource(db.pool, source))!.records).toBe(3);
  });

  it("joins a name an admin mapped on the next import", async () => {
    expect(await mapName(db.pool, "Corvus nonexistens", wren)).toBe(true);
    expect(await mapName(db.pool, "Corvus nonexistens", 999_999)).toBe(false);
    const unmatched = await db.pool.query("SELECT 1 FROM source_unmatched_names WHERE source_id = $1", [source]);
    expect(unmatched.rowCount).toBe(0);
    const file = await writeArchive(path.join(dir, "v3.zip"), base);
    const result = await runSource(db.pool, source, { file });
    expect(result.skippedByReason.unmatchedName).toBeUndefined();
    expect((await records(source)).find((r) => r.occurrence_key === "obs-5")?.species_id).toBe(wren);
  });
});

describe("bad archives are refused with nothing imported", () => {
  let source: number;
  beforeAll(async () => {
    source = (await addSource(db.pool, { kind: "dwca", name: "Bad", settings: { location: "/nowhere.zip" } })).id;
  });

  async function refused(entries: Record<string, string>, name: string) {
    const file = await writeZip(path.join(dir, name), entries);
    const result = await runSource(db.pool, source, { file });
    expect(result.status).toBe("failed");
    const count = await db.pool.query("SELECT count(*)::int AS n FROM occurrences WHERE source = $1", [source]);
    expect(count.rows[0].n).toBe(0);
    const run = await db.pool.query("SELECT status, error, problems FROM source_runs WHERE id = $1", [result.runId]);
    expect(run.rows[0]).toMatchObject({ status: "failed", error: result.error });
    return result;
  }

  it("no meta.xml", async () => {
    const r = await refused({ "occurrence.txt": coreText(base) }, "nometa.zip");
    expect(r.error).toMatch(/has no meta\.xml/);
  });

  it("a core file meta.xml names but the archive lacks", async () => {
    const r = await refused({ "meta.xml": metaXml({ location: "missing.txt" }), "occurrence.txt": coreText(base) }, "nocore.zip");
    expect(r.error).toMatch(/names the core file missing\.txt, which is not in the archive/);
  });

  it("an unknown core row type", async () => {
    const r = await refused({ "meta.xml": metaXml({ rowType: "http://rs.tdwg.org/dwc/terms/Event" }), "occurrence.txt": coreText(base) }, "event.zip");
    expect(r.error).toMatch(/core row type is http:\/\/rs\.tdwg\.org\/dwc\/terms\/Event/);
  });

  it("meta.xml that is not XML, and a file that is not a zip", async () => {
    expect((await refused({ "meta.xml": "<archive><core", "occurrence.txt": "" }, "badxml.zip")).error).toMatch(/meta\.xml/);
    const notZip = path.join(dir, "plain.zip");
    fs.writeFileSync(notZip, "id\tname\n1\tx\n");
    const result = await runSource(db.pool, source, { file: notZip });
    expect(result).toMatchObject({ status: "failed", error: expect.stringMatching(/not a readable zip/) });
  });

  it("broken rows, each reported by line, and the good ones not imported either", async () => {
    const broken = [
      ...base,
      { occurrenceID: "obs-8", scientificName: "Gymnorhina tibicen", decimalLatitude: "south", decimalLongitude: "149", eventDate: "2024-01-01" },
      { occurrenceID: "obs-9", scientificName: "Gymnorhina tibicen", decimalLatitude: "-95", decimalLongitude: "149", eventDate: "2024-01-01" },
      { occurrenceID: "obs-10", scientificName: "Gymnorhina tibicen", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "yesterday" },
    ];
    const text = coreText(broken) + "obs-11\tGymnorhina tibicen\n";
    const r = await refused({ "meta.xml": metaXml(), "occurrence.txt": text }, "rows.zip");
    expect(r.error).toMatch(/4 of 10 rows are broken/);
    expect(r.problems).toEqual([
      { line: 8, message: 'decimalLatitude "south" is not a number' },
      { line: 9, message: "decimalLatitude -95 is outside -90…90" },
      { line: 10, message: 'eventDate "yesterday" is not an ISO 8601 date' },
      { line: 11, message: "the row has 2 fields where meta.xml needs at least 10" },
    ]);
  });

  it("a quoted core file whose field has text after its closing quote: that row reported, not read with its neighbour", async () => {
    const meta = metaXml().replace('fieldsTerminatedBy="\\t"', 'fieldsTerminatedBy=","').replace('fieldsEnclosedBy=""', 'fieldsEnclosedBy="&quot;"');
    const csv = coreText(base)
      .split("\n")
      .map((line) => (line ? line.split("\t").map((f) => `"${f}"`).join(",") : line))
      .join("\n")
      .replace('"obs-2"', '"obs-2"x');
    const r = await refused({ "meta.xml": meta, "occurrence.txt": csv }, "quoted.zip");
    expect(r.problems).toEqual([{ line: 3, message: "a field has text after its closing quote: the row, and maybe the next, cannot be read" }]);
  });
});

describe("across sources", () => {
  it("a sighting the ALA also holds is marked a duplicate, hidden by the duplicates filter and counted once", async () => {
    const { rows } = await db.pool.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ('urn:raven', 'Corvus coronoides') RETURNING id");
    const raven = rows[0].id;
    await upsertRows(db.pool, [
      {
        sourceId: "00000000-0000-4000-8000-000000000001",
        speciesId: raven,
        datasetId: null,
        lat: -33.5,
        lon: 151.25,
        uncertaintyM: null,
        eventDate: "2023-05-05",
        year: 2023,
        basisOfRecord: 1,
        assertions: 0n,
        sensitive: false,
        duplicateStatus: 0,
        rating: classificationCode.assumed_valid,
        sourceLoadedAt: null,
        imageId: null,
        accurate: null,
      },
    ]);
    const source = (await addSource(db.pool, { kind: "dwca", name: "Ravens", settings: { location: "/x.zip" } })).id;
    const file = await writeArchive(path.join(dir, "ravens.zip"), [
      { occurrenceID: "r-1", scientificName: "Corvus coronoides", decimalLatitude: "-33.5", decimalLongitude: "151.25", eventDate: "2023-05-05" },
      { occurrenceID: "r-2", scientificName: "Corvus coronoides", decimalLatitude: "-33.6", decimalLongitude: "151.25", eventDate: "2023-05-05" },
    ]);
    expect(await runSource(db.pool, source, { file })).toMatchObject({ status: "succeeded", added: 2 });
    const marked = await db.pool.query<{ occurrence_key: string; duplicate_of: number | null; source: number }>(
      "SELECT occurrence_key, duplicate_of, source FROM occurrences WHERE species_id = $1 AND source = $2 ORDER BY occurrence_key",
      [raven, source],
    );
    const ala = await db.pool.query<{ id: number }>("SELECT id FROM occurrences WHERE species_id = $1 AND source = 1", [raven]);
    expect(marked.rows.map((r) => [r.occurrence_key, r.duplicate_of])).toEqual([
      ["r-1", ala.rows[0].id],
      ["r-2", null],
    ]);
    const sp = await db.pool.query("SELECT occurrence_count FROM species WHERE id = $1", [raven]);
    expect(sp.rows[0].occurrence_count).toBe(2);
    const shown = async (duplicates: "hide" | "show") => {
      const where = filterCondition(raven, { ...DEFAULT_FILTERS, duplicates });
      return (await db.pool.query(`SELECT count(*)::int AS n FROM classified_occurrences o WHERE ${where.sql}`, where.params)).rows[0].n;
    };
    expect([await shown("hide"), await shown("show")]).toEqual([2, 3]);
    // Downloads name each record's source, and filter by source as the map does.
    const csv = async (query: string) => {
      const download = await downloadOccurrences(raven, "csv", parseRecordFilters(new URLSearchParams(query)));
      return Papa.parse<Record<string, string>>((await new Response(download!.body).text()).trim(), { header: true }).data;
    };
    const all = await csv("duplicates=show");
    expect(all.map((r) => [r.occurrenceID, r.source, r.references !== ""]).sort()).toEqual([
      ["00000000-0000-4000-8000-000000000001", "ALA", true],
      ["r-1", "Ravens", false],
      ["r-2", "Ravens", false],
    ]);
    expect((await csv(`sources=${source}`)).map((r) => r.occurrenceID)).toEqual(["r-2"]);
    expect((await csv("sources=1")).map((r) => r.source)).toEqual(["ALA"]);
    // A second archive sharing an occurrenceID with the first points at the first source's record.
    const later = (await addSource(db.pool, { kind: "dwca", name: "Ravens again", settings: { location: "/y.zip" } })).id;
    const file2 = await writeArchive(path.join(dir, "ravens2.zip"), [
      { occurrenceID: "r-2", scientificName: "Corvus coronoides", decimalLatitude: "-33.61", decimalLongitude: "151.26", eventDate: "2023-05-06" },
    ]);
    await runSource(db.pool, later, { file: file2 });
    const second = await db.pool.query("SELECT o.duplicate_of, p.occurrence_key FROM occurrences o JOIN occurrences p ON p.id = o.duplicate_of WHERE o.source = $1", [later]);
    expect(second.rows).toEqual([{ duplicate_of: expect.any(Number), occurrence_key: "r-2" }]);
    // Removing the first source leaves the second's record the sighting's only one.
    await removeSourceAndRecords(db.pool, source);
    const after = await db.pool.query("SELECT duplicate_of FROM occurrences WHERE source = $1", [later]);
    expect(after.rows).toEqual([{ duplicate_of: null }]);
    expect((await db.pool.query("SELECT occurrence_count FROM species WHERE id = $1", [raven])).rows[0].occurrence_count).toBe(2);
  });

  it("a run whose locks' connections are lost stops before writing, deletes nothing, and the next run completes", async () => {
    const source = (await addSource(db.pool, { kind: "dwca", name: "Lost lock", settings: { location: path.join(dir, "lost-v1.zip") } })).id;
    // The three birds of `base` every source imports (an earlier test maps obs-5's name).
    const birds = base.slice(0, 3).map((r) => ({ ...r, occurrenceID: `lost-${r.occurrenceID}` }));
    await writeArchive(path.join(dir, "lost-v1.zip"), birds);
    expect(await runSource(db.pool, source)).toMatchObject({ status: "succeeded", added: 3 });
    const importedAt = (await getSource(db.pool, source))!.lastImportAt;
    // The next version drops lost-obs-3 and adds lost-obs-7; its run loses both locks as it starts,
    // as a database restart or an idle-session cut would end their sessions (this database's only).
    const v2 = birds.filter((r) => r.occurrenceID !== "lost-obs-3");
    v2.push({ occurrenceID: "lost-obs-7", scientificName: "Malurus cyaneus", class: "Aves", decimalLatitude: "-27.6", decimalLongitude: "153.1", eventDate: "2024-04-01" });
    const file = await writeArchive(path.join(dir, "lost-v2.zip"), v2);
    const cut = await withLocksCut(db.pool, "INSERT", "running", () => runSource(db.pool, source, { file }));
    expect(cut).toMatchObject({ status: "failed", added: 0, deleted: 0 });
    expect(cut.error).toMatch(/lock's database connection was lost/);
    // Nothing written, nothing deleted, the last import time unmoved.
    expect((await records(source)).map((r) => r.occurrence_key)).toEqual(["lost-obs-1", "lost-obs-2", "lost-obs-3"]);
    expect((await getSource(db.pool, source))!.lastImportAt).toEqual(importedAt);
    expect(await runSource(db.pool, source, { file })).toMatchObject({ status: "succeeded", added: 1, deleted: 1 });
    expect((await records(source)).map((r) => r.occurrence_key)).toEqual(["lost-obs-1", "lost-obs-2", "lost-obs-7"]);
  });

  it("one import at a time: refused while the sync lock is held", async () => {
    const source = (await addSource(db.pool, { kind: "dwca", name: "Busy", settings: { location: "/z.zip" } })).id;
    const lock = await tryAcquireSyncLock(db.url);
    try {
      await expect(runSource(db.pool, source)).rejects.toBeInstanceOf(SourceBusyError);
    } finally {
      await lock!.release();
    }
  });
});
