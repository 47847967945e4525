// Upgrading a database whose classifications were still occurrence columns keeps every one of them.
import { describe, expect, it } from "vitest";
import { CHUNK_SIZE } from "@/lib/vetting/states";
import { upgradeFixture } from "./upgrade-fixture";

const MIGRATION = "20261129210000_classification_states";

const f = upgradeFixture(MIGRATION);

describe(`migration ${MIGRATION}`, () => {
  it("moves vetted classifications and contentious flags into packed states, and the view reads them back", async () => {
    await f.migrateBefore();
    const { rows: species } = await f.db.query<{ id: number }>(
      "INSERT INTO species (guid, scientific_name) VALUES ('urn:a', 'A'), ('urn:b', 'B') RETURNING id",
    );
    const [a, b] = species.map((s) => s.id);
    // Ids on both sides of a chunk boundary; species b's records were never vetted.
    const written = await f.db.query<{ id: number; species_id: number; classification: number; contentious: boolean }>(
      `INSERT INTO occurrences (id, species_id, source, source_id, lat, lon, basis_of_record, rating, classification, contentious)
       SELECT g, CASE WHEN g % 5 = 0 THEN $2::int ELSE $1::int END, 1, gen_random_uuid(), -30, 150, 1, 2 + g % 2,
              CASE WHEN g % 5 = 0 THEN 2 + g % 2 WHEN g % 3 = 0 THEN 1 WHEN g % 7 = 0 THEN 4 ELSE 2 + g % 2 END,
              g % 5 <> 0 AND g % 21 = 0
         FROM generate_series($3::int, $4::int) g
       RETURNING id, species_id, classification, contentious`,
      [a, b, CHUNK_SIZE - 300, CHUNK_SIZE + 300],
    );

    // This migration alone, whatever later ones exist.
    expect(await f.migrateUnderTest()).toEqual([MIGRATION]);

    const { rows } = await f.db.query<{ id: number; species_id: number; classification: number; contentious: boolean }>(
      "SELECT id, species_id, classification, contentious FROM classified_occurrences ORDER BY id",
    );
    expect(rows).toEqual(written.rows.sort((x, y) => x.id - y.id));
    expect(rows.some((r) => r.contentious) && rows.some((r) => r.classification === 4)).toBe(true);
    const { rows: chunks } = await f.db.query("SELECT species_id, chunk, length(states) AS n FROM classification_states ORDER BY chunk");
    expect(chunks).toEqual([
      { species_id: a, chunk: 0, n: CHUNK_SIZE },
      { species_id: a, chunk: 1, n: CHUNK_SIZE },
    ]);
  });
});
