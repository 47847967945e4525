// Upgrading a database that stored absolute image URLs keeps each image's identifier and licence.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { MIGRATIONS_DIR, migrate } from "@/lib/db/migrate";
import { TEST_DB_PREFIX, withDatabase } from "./database-url";

const MIGRATION = "20261204110000_image_identifiers";

let admin: pg.Client;
let url: string;
let name: string;
let db: pg.Client;
let before: string;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  await admin.connect();
  name = `${TEST_DB_PREFIX}upgrade_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  url = withDatabase(inject("adminDatabaseUrl"), name);
  db = new pg.Client({ connectionString: url });
  await db.connect();
  before = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-upgrade-"));
  for (const m of (await fs.readdir(MIGRATIONS_DIR)).filter((m) => m < MIGRATION)) {
    await fs.cp(path.join(MIGRATIONS_DIR, m), path.join(before, m), { recursive: true });
  }
});
afterAll(async () => {
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  await fs.rm(before, { recursive: true, force: true });
});

describe(`migration ${MIGRATION}`, () => {
  it("takes each image's identifier from its stored URL, whatever its form, and drops the URLs", async () => {
    await migrate(url, before);
    const { rows: sp } = await db.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ('urn:a', 'A') RETURNING id");
    await db.query(
      `INSERT INTO occurrences (id, species_id, source, source_id, lat, lon, basis_of_record, rating)
       SELECT g, $1, 1, gen_random_uuid(), -30, 150, 1, 2 FROM generate_series(1, 5) g`,
      [sp[0].id],
    );
    await db.query(
      `INSERT INTO occurrence_images (occurrence_id, image_id, thumbnail_url, image_url, creator, license, fetched_at) VALUES
        (1, 'rec-1', 'http://127.0.0.1:40001/image/proxyImageThumbnail?imageId=svc-1', 'http://127.0.0.1:40001/image/proxyImage?imageId=svc-1', 'Ann', 'CC BY 4.0', now()),
        (2, 'rec-2', NULL, 'https://images.ala.org.au/store/d/c/b/a/svc-abcd/original', 'Bo', 'CC0 1.0', now()),
        (3, 'rec-3', 'https://images.ala.org.au/image/svc-3/thumbnail', NULL, NULL, 'CC BY-NC 4.0', now()),
        (4, 'rec-4', NULL, NULL, NULL, NULL, NULL),
        (5, 'rec-5', 'https://elsewhere.example/photo.jpg', 'https://elsewhere.example/photo.jpg', 'Cy', 'CC BY 4.0', now())`,
    );

    // This one and every later migration.
    expect(await migrate(url)).toEqual((await fs.readdir(MIGRATIONS_DIR)).filter((m) => m >= MIGRATION).sort());

    const { rows } = await db.query("SELECT occurrence_id, image_id, creator, license, fetched_at IS NOT NULL AS fetched FROM occurrence_images ORDER BY occurrence_id");
    expect(rows).toEqual([
      { occurrence_id: 1, image_id: "svc-1", creator: "Ann", license: "CC BY 4.0", fetched: true },
      { occurrence_id: 2, image_id: "svc-abcd", creator: "Bo", license: "CC0 1.0", fetched: true },
      { occurrence_id: 3, image_id: "svc-3", creator: null, license: "CC BY-NC 4.0", fetched: true },
      { occurrence_id: 4, image_id: "rec-4", creator: null, license: null, fetched: false },
      // A URL that names no identifier keeps the record's own.
      { occurrence_id: 5, image_id: "rec-5", creator: "Cy", license: "CC BY 4.0", fetched: true },
    ]);
    const { rows: columns } = await db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'occurrence_images' AND column_name LIKE '%url'");
    expect(columns).toEqual([]);
  });
});
