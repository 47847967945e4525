import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { startSimulator, type Simulator } from "@/lib/simulator";
import { clientFor } from "@/lib/sync/test-support";
import { applyVettings } from "@/lib/vetting/apply";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { getOccurrence } from "./detail";
import { addDataset, addRecord, addSpecies } from "./test-support";

let db: TestDatabase;
let sim: Simulator;
let species: number;
let dataset: number;

beforeAll(async () => {
  db = await createTestDatabase();
  sim = await startSimulator({ records: 400, seed: 5 });
  species = await addSpecies(db.pool, "Malurus cyaneus", "Superb Fairy-wren");
  dataset = await addDataset(db.pool, "dr1411", "iNaturalist Australia", "iNaturalist Australia", "CC-BY-NC 4.0 (Int)");
  await db.pool.query(`INSERT INTO "user" (id, name, email, role) VALUES ('u1', 'Ada Expert', 'ada@example.org', 'expert'), ('u2', 'Bo Expert', 'bo@example.org', 'expert')`);
});
afterAll(async () => {
  await sim.close();
  await db.drop();
});

const square = (lon: number, lat: number, half: number) => ({
  type: "Polygon",
  coordinates: [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half], [lon - half, lat - half]]],
});

async function addVetting(author: string, classification: number, area: { type: string; coordinates: number[][][] }, at: string, deleted = false) {
  const xs = area.coordinates[0].map((p) => p[0]);
  const ys = area.coordinates[0].map((p) => p[1]);
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat, comment, created_at, updated_at, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, CASE WHEN $11 THEN now() END) RETURNING id`,
    [species, author, classification, JSON.stringify(area), Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), `comment by ${author}`, at, deleted],
  );
  return rows[0].id;
}

describe("occurrence detail", () => {
  it("gives names, date, basis of record, uncertainty, dataset attribution, source link and licensed images", async () => {
    const { id, uuid } = await addRecord(db.pool, species, { datasetId: dataset, eventDate: "2019-03-02", year: 2019, uncertaintyM: 25, lat: -37.8, lon: 145 });
    await db.pool.query(
      `INSERT INTO occurrence_images (occurrence_id, image_id, creator, rights_holder, license, fetched_at)
       VALUES ($1, 'c0ffee00-1234-4abc-8def-00000000a1b2', 'Jürgen <b>Müller</b>', 'Jürgen Müller', 'CC BY 4.0', now())`,
      [id],
    );
    expect(await getOccurrence(id, { imagesUrl: "https://images.example" })).toEqual({
      id,
      uuid,
      sourceUrl: `https://biocache.ala.org.au/occurrences/${uuid}`,
      species: { id: species, guid: "urn:lsid:test:malurus-cyaneus", scientificName: "Malurus cyaneus", commonName: "Superb Fairy-wren" },
      eventDate: "2019-03-02",
      year: 2019,
      basisOfRecord: "HUMAN_OBSERVATION",
      coordinateUncertaintyInMeters: 25,
      latitude: -37.8,
      longitude: 145,
      sensitive: false,
      duplicateStatus: null,
      dataset: { uid: "dr1411", name: "iNaturalist Australia", providerName: "iNaturalist Australia", license: "CC-BY-NC 4.0 (Int)" },
      classification: "assumed_valid",
      contentious: false,
      vetting: null,
      images: [
        {
          thumbnailUrl: "https://images.example/image/c0ffee00-1234-4abc-8def-00000000a1b2/thumbnail",
          imageUrl: "https://images.example/store/2/b/1/a/c0ffee00-1234-4abc-8def-00000000a1b2/original",
          creator: "Jürgen <b>Müller</b>", rightsHolder: "Jürgen Müller", license: "CC BY 4.0" },
      ],
    });
  });

  it("names the most recent live vetting covering the record, not a deleted one or one whose box only covers it", async () => {
    const { id } = await addRecord(db.pool, species, { lat: -30, lon: 150 });
    const { id: outside } = await addRecord(db.pool, species, { lat: -30, lon: 152.9 });
    await addVetting("u1", 1, square(150, -30, 1), "2025-01-01T00:00:00Z");
    const latest = await addVetting("u2", 4, square(150, -30, 2), "2025-02-01T00:00:00Z");
    await addVetting("u1", 1, square(150, -30, 0.5), "2025-03-01T00:00:00Z", true);
    // An L shape whose bounding box holds the record but whose area does not, and newer than all.
    await addVetting("u1", 1, { type: "Polygon", coordinates: [[[149.5, -31.5], [153, -31.5], [153, -31], [149.8, -31], [149.8, -28], [149.5, -28], [149.5, -31.5]]] }, "2025-04-01T00:00:00Z");
    await applyVettings(db.pool, species);

    const detail = await getOccurrence(id);
    expect(detail).toMatchObject({ classification: "known_invalid", contentious: true });
    expect(detail!.vetting).toEqual({
      id: latest,
      classification: "known_invalid",
      rangeQualifier: null,
      comment: "comment by u2",
      author: { id: "u2", name: "Bo Expert" },
      createdAt: "2025-02-01T00:00:00.000Z",
      updatedAt: "2025-02-01T00:00:00.000Z",
    });
    expect((await getOccurrence(outside))!.vetting).toBeNull();
  });

  it("shows a sensitive record at its public position only", async () => {
    const { id } = await addRecord(db.pool, species, { lat: -23.1, lon: 139.2, sensitive: true });
    await db.pool.query("INSERT INTO sensitive_coordinates (occurrence_id, lat, lon) VALUES ($1, -23.123456, 139.234567)", [id]);
    const detail = await getOccurrence(id);
    expect(detail).toMatchObject({ latitude: -23.1, longitude: 139.2, sensitive: true });
    expect(JSON.stringify(detail)).not.toContain("23.123456");
  });

  it("asks the images service for an image's licence the sync has not fetched yet", async () => {
    const index = [...sim.world.indexes.bySpecies].find((i) => sim.world.cols.imageCount(i) > 0)!;
    const imageId = sim.world.ids.imageId(index, 0);
    const { id } = await addRecord(db.pool, species);
    await db.pool.query("INSERT INTO occurrence_images (occurrence_id, image_id) VALUES ($1, $2)", [id, imageId]);
    const [image] = (await getOccurrence(id, { images: clientFor(sim) }))!.images;
    expect(image.license).toMatch(/^CC/);
    expect(image.creator).toBeTruthy();
    // Unless told otherwise, URLs point at the configured ALA_IMAGES_URL.
    expect(image.thumbnailUrl).toBe(`${config().ALA_IMAGES_URL}/image/${imageId}/thumbnail`);
    const stored = await db.pool.query("SELECT license, fetched_at FROM occurrence_images WHERE occurrence_id = $1", [id]);
    expect(stored.rows[0].fetched_at).not.toBeNull();
  });

  it("builds image URLs from the images service's base at answer time, so they load after it moves (a restart on another port)", async () => {
    const index = [...sim.world.indexes.bySpecies].find((i) => sim.world.cols.imageCount(i) > 0)!;
    const imageId = sim.world.ids.imageId(index, 0);
    const { id } = await addRecord(db.pool, species);
    await db.pool.query("INSERT INTO occurrence_images (occurrence_id, image_id) VALUES ($1, $2)", [id, imageId]);
    const before = (await getOccurrence(id, { images: clientFor(sim), imagesUrl: sim.url }))!.images[0];
    expect((await fetch(before.thumbnailUrl!)).status).toBe(200);

    // The same images service restarted elsewhere: the old address is gone, the answer follows the new one.
    const moved = await startSimulator({ records: 400, seed: 5 });
    try {
      expect(moved.url).not.toBe(sim.url);
      const [image] = (await getOccurrence(id, { images: clientFor(moved), imagesUrl: moved.url }))!.images;
      expect(image.license).toBe(before.license);
      expect(image.thumbnailUrl).toBe(`${moved.url}/image/${imageId}/thumbnail`);
      for (const url of [image.thumbnailUrl!, image.imageUrl!]) {
        const answer = await fetch(url);
        expect(answer.status).toBe(200);
        expect(answer.headers.get("content-type")).toBe("image/png");
      }
    } finally {
      await moved.close();
    }
  });

  it("still answers when the images service is down, with the image's licence unknown", async () => {
    const { id } = await addRecord(db.pool, species);
    await db.pool.query("INSERT INTO occurrence_images (occurrence_id, image_id) VALUES ($1, 'img-unreachable')", [id]);
    const down = await startSimulator({ records: 10, seed: 1 });
    await down.close();
    const detail = await getOccurrence(id, { images: clientFor(down, 0) });
    expect(detail!.images).toEqual([{ thumbnailUrl: null, imageUrl: null, creator: null, rightsHolder: null, license: null }]);
  });

  it("is null for an unknown record", async () => {
    expect(await getOccurrence(987_654)).toBeNull();
  });
});
