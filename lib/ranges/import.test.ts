import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Feature, Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, userForApiKey } from "@/lib/auth/api-keys";
import { classificationCode as code } from "@/lib/domain/codes";
import { BOW_TIE, squarePolygon } from "@/lib/geometry/validate-fixtures";
import { stopQueue } from "@/lib/jobs/queue";
import { applyVettings } from "@/lib/vetting/apply";
import { insertRecords, insertSpecies, recordStates } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { importRanges, listRangeImports, rangeArea, RangeImportError, removeRangeImport, sourceAccount } from "./import";
import { readRangeFile, readRangeUpload, RangeFileError } from "./read";
import { clockwiseSquare, shapefile, zippedShapefile } from "./test-shapefile";

let db: TestDatabase;
let cockatoo: number;
let robin: number;
let honeyeater: number;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  cockatoo = await insertSpecies(db.pool, "Cacatua galerita");
  robin = await insertSpecies(db.pool, "Petroica boodang");
  honeyeater = await insertSpecies(db.pool, "Lichenostomus melanops");
  // An old name merged into the robin: ranges filed under it count for the robin.
  const old = await insertSpecies(db.pool, "Petroica multicolor");
  await db.pool.query("UPDATE species SET status = 'merged', accepted_species_id = $2 WHERE id = $1", [old, robin]);
  dir = await mkdtemp(path.join(tmpdir(), "edgar-ranges-"));
});
afterAll(async () => {
  await stopQueue();
  await rm(dir, { recursive: true, force: true });
  await db.drop();
});

const feature = (properties: Record<string, unknown>, geometry: unknown): Feature => ({ type: "Feature", properties, geometry: geometry as Polygon });
const collection = (features: Feature[]) => new TextEncoder().encode(JSON.stringify({ type: "FeatureCollection", features }));

/** A circle of n corners: a coastline-like polygon with far more corners than a vetting may have. */
function circle(cx: number, cy: number, r: number, n: number): Polygon {
  const ring = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    // A little wobble, so Douglas–Peucker has detail to drop.
    const rr = r * (1 + 0.002 * Math.sin(a * 97));
    return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)];
  });
  return { type: "Polygon", coordinates: [[...ring, ring[0]]] };
}

describe("importing range polygons as vettings", () => {
  it("makes one attributable vetting per usable polygon and reports what it could not use", async () => {
    const [inside, outside] = await insertRecords(db.pool, cockatoo, [
      { lon: 141, lat: -29, rating: 2 },
      { lon: 150, lat: -20, rating: 2 },
    ]);
    const features = await readRangeUpload(
      "birdlife.geojson",
      collection([
        feature({ SCI_NAME: "Cacatua galerita", RANGE_T: "core, breeding" }, squarePolygon(140, -30, 142, -28)),
        feature({ SCI_NAME: "Petroica multicolor", RANGE_T: "suspect" }, squarePolygon(130, -30, 131, -29)),
        feature({ SCI_NAME: "Lichenostomus melanops cassidix", RANGE_T: "Escaped" }, squarePolygon(145, -38, 146, -37)),
        feature({ SCI_NAME: "Dodo ineptus", RANGE_T: "core" }, squarePolygon(57, -21, 58, -20)),
        feature({ SCI_NAME: "Dodo ineptus", RANGE_T: "historic" }, squarePolygon(57, -21, 58, -20)),
        feature({ SCI_NAME: "Cacatua galerita", RANGE_T: "core" }, { type: "Polygon", coordinates: [BOW_TIE] }),
        feature({ SCI_NAME: "Cacatua galerita", RANGE_T: "breeding colony" }, squarePolygon(140, -30, 141, -29)),
        feature({ SCI_NAME: "", RANGE_T: "core" }, squarePolygon(140, -30, 141, -29)),
        feature({ SCI_NAME: "Cacatua galerita", RANGE_T: "core" }, null),
      ]),
    );
    const report = await importRanges(features, { source: "BirdLife Australia", fileName: "birdlife.geojson", nameField: "sci_name", classField: "range_t" });

    expect(report).toMatchObject({ features: 9, vettings: 3, species: 3, simplified: 0, source: { name: "BirdLife Australia" } });
    expect(report.unmatchedNames).toEqual([{ name: "Dodo ineptus", features: 2 }]);
    expect(report.problems).toEqual([
      { feature: 6, name: "Cacatua galerita", message: expect.stringMatching(/^area .*intersect/) },
      { feature: 7, name: "Cacatua galerita", message: expect.stringContaining('class "breeding colony" is none of') },
      { feature: 8, name: null, message: 'has no species name in "sci_name"' },
      { feature: 9, name: "Cacatua galerita", message: "area has no geometry" },
    ]);

    const { rows } = await db.pool.query(
      `SELECT v.species_id, v.classification, v.range_qualifier, v.channel, v.comment, v.range_import_id, u.name, u.kind
         FROM vettings v JOIN "user" u ON u.id = v.author_id WHERE v.range_import_id = $1 ORDER BY v.id`,
      [report.id],
    );
    expect(rows).toEqual([
      { species_id: cockatoo, classification: code.known_valid, range_qualifier: 1, channel: "import", comment: "Range polygon imported from BirdLife Australia (birdlife.geojson)", range_import_id: report.id, name: "BirdLife Australia", kind: "source" },
      expect.objectContaining({ species_id: robin, classification: code.known_invalid, range_qualifier: null }),
      expect.objectContaining({ species_id: honeyeater, classification: code.known_valid, range_qualifier: 3 }),
    ]);
    // Imported vettings classify records like any other, and are not pushed to the ALA as Edgar's own.
    await applyVettings(db.pool, cockatoo);
    expect(await recordStates(db.pool, [inside, outside])).toEqual([
      [code.known_valid, false],
      [code.assumed_valid, false],
    ]);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM vetting_outbox")).rows[0].n).toBe(0);

    const [listed] = await listRangeImports();
    expect(listed).toMatchObject({ id: report.id, source: { name: "BirdLife Australia" }, fileName: "birdlife.geojson", nameField: "sci_name", classField: "range_t", qualifierField: null, removedAt: null, liveVettings: 3 });
    expect(listed.report.unmatchedNames).toEqual(report.unmatchedNames);
  });

  it("takes the range qualifier from a field of its own when given one", async () => {
    const features = await readRangeUpload(
      "ranges.json",
      collection([
        feature({ name: "Petroica boodang", status: "valid", kind: "irruptive" }, squarePolygon(120, -30, 121, -29)),
        feature({ name: "Petroica boodang", status: "Known Invalid", kind: "core" }, squarePolygon(122, -30, 123, -29)),
        feature({ name: "Petroica boodang", status: "valid", kind: "" }, squarePolygon(124, -30, 125, -29)),
        feature({ name: "Petroica boodang", status: "valid", kind: "breeding" }, squarePolygon(126, -30, 127, -29)),
      ]),
    );
    const report = await importRanges(features, { source: "Atlas experts", fileName: "ranges.json", nameField: "name", classField: "status", qualifierField: "kind" });
    expect(report.vettings).toBe(3);
    expect(report.problems).toEqual([{ feature: 4, name: "Petroica boodang", message: expect.stringContaining('qualifier "breeding" is none of') }]);
    const { rows } = await db.pool.query("SELECT classification, range_qualifier FROM vettings WHERE range_import_id = $1 ORDER BY id", [report.id]);
    expect(rows).toEqual([
      { classification: code.known_valid, range_qualifier: 4 },
      { classification: code.known_invalid, range_qualifier: null },
      { classification: code.known_valid, range_qualifier: null },
    ]);
  });

  it("simplifies a polygon with more corners than a vetting may have until it passes", async () => {
    const huge = circle(140, -25, 5, 20_000);
    expect(() => rangeArea({ ...huge })).not.toThrow();
    const report = await importRanges(await readRangeUpload("coast.geojson", collection([feature({ n: "Cacatua galerita", c: "core" }, huge)])), {
      source: "BirdLife Australia",
      fileName: "coast.geojson",
      nameField: "n",
      classField: "c",
    });
    expect(report).toMatchObject({ vettings: 1, simplified: 1, problems: [] });
    const { rows } = await db.pool.query<{ area: Polygon }>("SELECT area FROM vettings WHERE range_import_id = $1", [report.id]);
    const corners = rows[0].area.coordinates[0].length - 1;
    expect(corners).toBeLessThanOrEqual(5_000);
    expect(corners).toBeGreaterThan(50);
  });

  it("refuses a file whose named fields are in none of its features, naming the fields it has", async () => {
    const features = await readRangeUpload("x.geojson", collection([feature({ SCI_NAME: "Cacatua galerita", RANGE_T: "core" }, squarePolygon(140, -30, 141, -29))]));
    await expect(importRanges(features, { source: "BirdLife Australia", fileName: "x.geojson", nameField: "species", classField: "range_t" })).rejects.toThrow(
      'the name field "species" is in none of the 1 features; their fields are: SCI_NAME, RANGE_T',
    );
    await expect(importRanges([], { source: "BirdLife Australia", fileName: "x.geojson", nameField: "n", classField: "c" })).rejects.toThrow(RangeImportError);
  });

  it("stores nothing when no polygon can be used, and says why", async () => {
    const counts = async () => (await db.pool.query(`SELECT (SELECT count(*) FROM range_imports)::int AS imports, (SELECT count(*) FROM "user")::int AS users`)).rows[0];
    const before = await counts();
    const report = await importRanges(await readRangeUpload("x.geojson", collection([feature({ n: "Dodo ineptus", c: "core" }, squarePolygon(57, -21, 58, -20))])), {
      source: "A source never seen before",
      fileName: "x.geojson",
      nameField: "n",
      classField: "c",
    });
    expect(report).toMatchObject({ id: null, vettings: 0, source: { id: null }, unmatchedNames: [{ name: "Dodo ineptus", features: 1 }] });
    // Not even the source account is made.
    expect(await counts()).toEqual(before);
  });

  it("reads a shapefile (.shp with its .dbf) and a zipped one, holes included", async () => {
    const records = [
      { rings: [clockwiseSquare(140, -30, 144, -26), [...clockwiseSquare(141, -29, 142, -28)].reverse()], attributes: { SCINAME: "Cacatua galerita", RANGE_T: "core" } },
      { rings: [clockwiseSquare(130, -20, 131, -19), clockwiseSquare(132, -20, 133, -19)], attributes: { SCINAME: "Petroica boodang", RANGE_T: "vagrant" } },
    ];
    const { shp, dbf } = shapefile(records);
    await writeFile(path.join(dir, "ranges.shp"), shp);
    await writeFile(path.join(dir, "ranges.dbf"), dbf);
    const fromFiles = await readRangeFile(path.join(dir, "ranges.shp"));
    const fromZip = await readRangeUpload("ranges.zip", await zippedShapefile(records));
    expect(fromZip).toEqual(fromFiles);
    expect(fromFiles.map((f) => [f.properties, (f.geometry as { type: string }).type])).toEqual([
      [{ SCINAME: "Cacatua galerita", RANGE_T: "core" }, "Polygon"],
      [{ SCINAME: "Petroica boodang", RANGE_T: "vagrant" }, "MultiPolygon"],
    ]);
    const report = await importRanges(fromFiles, { source: "BirdLife Australia", fileName: "ranges.shp", nameField: "sciname", classField: "range_t" });
    expect(report).toMatchObject({ vettings: 2, problems: [] });
    const { rows } = await db.pool.query<{ area: Polygon }>("SELECT area FROM vettings WHERE range_import_id = $1 ORDER BY id", [report.id]);
    expect(rows[0].area.coordinates).toHaveLength(2); // the hole is kept
  });

  it("reads a UTF-8 .dbf as UTF-8 when its .cpg says so, and as windows-1252 otherwise", async () => {
    const records = [{ rings: [clockwiseSquare(140, -30, 141, -29)], attributes: { NAME: "Cacatua galerita", NOTE: "Mt Kosciuszko – near Thredbo" } }];
    const utf8 = await readRangeUpload("r.zip", await zippedShapefile(records, "r", "utf8"));
    expect(utf8[0].properties.NOTE).toBe("Mt Kosciuszko – near Thredbo");
    const { shp, dbf, cpg } = shapefile(records, "utf8");
    await writeFile(path.join(dir, "utf.shp"), shp);
    await writeFile(path.join(dir, "utf.dbf"), dbf);
    await writeFile(path.join(dir, "utf.cpg"), cpg!);
    expect((await readRangeFile(path.join(dir, "utf.shp")))[0].properties.NOTE).toBe("Mt Kosciuszko – near Thredbo");
    const latin = await readRangeUpload("r.zip", await zippedShapefile([{ ...records[0], attributes: { NAME: "Cacatua galerita", NOTE: "Café" } }]));
    expect(latin[0].properties.NOTE).toBe("Café");
  });

  it("refuses unreadable files with a clear reason", async () => {
    await expect(readRangeUpload("x.geojson", new TextEncoder().encode("{not json"))).rejects.toThrow(/not JSON/);
    await expect(readRangeUpload("x.geojson", new TextEncoder().encode('{"type":"Polygon"}'))).rejects.toThrow(/FeatureCollection/);
    await expect(readRangeUpload("x.kml", new Uint8Array())).rejects.toThrow(/expected a .geojson, .json, .shp or .zip/);
    await expect(readRangeUpload("x.zip", new TextEncoder().encode("PK no zip"))).rejects.toThrow(RangeFileError);
    await expect(readRangeFile(path.join(dir, "missing.shp"))).rejects.toThrow(/needs its .dbf/);
    // Text where the .shp belongs: not a shapefile.
    await writeFile(path.join(dir, "bad.shp"), Buffer.from("not a shapefile at all, just text, long enough to be read as a header".repeat(3)));
    await writeFile(path.join(dir, "bad.dbf"), shapefile([{ rings: [clockwiseSquare(140, -30, 141, -29)], attributes: { A: "x" } }]).dbf);
    await expect(readRangeFile(path.join(dir, "bad.shp"))).rejects.toThrow(RangeFileError);
  });

  it("removes an import's vettings as a set, keeping their history, once", async () => {
    const report = await importRanges(await readRangeUpload("r.geojson", collection([feature({ n: "Cacatua galerita", c: "suspect" }, squarePolygon(100, -30, 101, -29))])), {
      source: "Removable source",
      fileName: "r.geojson",
      nameField: "n",
      classField: "c",
    });
    const id = report.id!;
    expect(await removeRangeImport(id)).toEqual({ id, removed: 1 });
    const { rows } = await db.pool.query("SELECT deleted_at IS NOT NULL AS deleted, (SELECT count(*)::int FROM vetting_revisions r WHERE r.vetting_id = v.id) AS revisions FROM vettings v WHERE range_import_id = $1", [id]);
    expect(rows).toEqual([{ deleted: true, revisions: 1 }]);
    expect((await listRangeImports()).find((i) => i.id === id)).toMatchObject({ liveVettings: 0, removedAt: expect.any(String) });
    await expect(removeRangeImport(id)).rejects.toThrow(/already removed/);
    await expect(removeRangeImport(99_999)).rejects.toThrow("there is no range import 99999");
  });
});

describe("source accounts", () => {
  it("are one per name, and can neither use an API key nor be found as a person", async () => {
    const a = await sourceAccount("BirdLife  Australia");
    const b = await sourceAccount("birdlife australia");
    expect(b.id).toBe(a.id);
    const { key } = await createApiKey(a.id, "should not work");
    expect(await userForApiKey(key)).toBeNull();
    await expect(sourceAccount("   ")).rejects.toThrow(/1 to 200 characters/);
    // Two imports naming a new source at once get the one account.
    const [c, d] = await Promise.all([sourceAccount("Twin Source"), sourceAccount("twin source")]);
    expect(d.id).toBe(c.id);
  });
});
