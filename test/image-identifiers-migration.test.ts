// Upgrading a database that stored absolute image URLs keeps each image's identifier and licence.
import { describe, expect, it } from "vitest";
import { upgradeFixture } from "./upgrade-fixture";

const MIGRATION = "20261204110000_image_identifiers";

const f = upgradeFixture(MIGRATION);

describe(`migration ${MIGRATION}`, () => {
  it("takes each image's identifier from its stored URL, whatever its form, and drops the URLs", async () => {
    await f.migrateBefore();
    const { rows: sp } = await f.db.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ('urn:a', 'A') RETURNING id");
    await f.db.query(
      `INSERT INTO occurrences (id, species_id, source, source_id, lat, lon, basis_of_record, rating)
       SELECT g, $1, 1, gen_random_uuid(), -30, 150, 1, 2 FROM generate_series(1, 5) g`,
      [sp[0].id],
    );
    await f.db.query(
      `INSERT INTO occurrence_images (occurrence_id, image_id, thumbnail_url, image_url, creator, license, fetched_at) VALUES
        (1, 'rec-1', 'http://127.0.0.1:40001/image/proxyImageThumbnail?imageId=svc-1', 'http://127.0.0.1:40001/image/proxyImage?imageId=svc-1', 'Ann', 'CC BY 4.0', now()),
        (2, 'rec-2', NULL, 'https://images.ala.org.au/store/d/c/b/a/svc-abcd/original', 'Bo', 'CC0 1.0', now()),
        (3, 'rec-3', 'https://images.ala.org.au/image/svc-3/thumbnail', NULL, NULL, 'CC BY-NC 4.0', now()),
        (4, 'rec-4', NULL, NULL, NULL, NULL, NULL),
        (5, 'rec-5', 'https://elsewhere.example/photo.jpg', 'https://elsewhere.example/photo.jpg', 'Cy', 'CC BY 4.0', now())`,
    );

    // This one and every later migration.
    expect(await f.migrateUnderTest()).toEqual([MIGRATION]);

    const { rows } = await f.db.query("SELECT occurrence_id, image_id, creator, license, fetched_at IS NOT NULL AS fetched FROM occurrence_images ORDER BY occurrence_id");
    expect(rows).toEqual([
      { occurrence_id: 1, image_id: "svc-1", creator: "Ann", license: "CC BY 4.0", fetched: true },
      { occurrence_id: 2, image_id: "svc-abcd", creator: "Bo", license: "CC0 1.0", fetched: true },
      { occurrence_id: 3, image_id: "svc-3", creator: null, license: "CC BY-NC 4.0", fetched: true },
      { occurrence_id: 4, image_id: "rec-4", creator: null, license: null, fetched: false },
      // A URL that names no identifier keeps the record's own.
      { occurrence_id: 5, image_id: "rec-5", creator: "Cy", license: "CC BY 4.0", fetched: true },
    ]);
    const { rows: columns } = await f.db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'occurrence_images' AND column_name LIKE '%url'");
    expect(columns).toEqual([]);
  });
});
