// Upgrading a database whose masks of records with an unknown assertion ("other") were stored
// negative (bit 63 set beside bit 62) leaves every mask positive and its named bits as they were.
import { describe, expect, it } from "vitest";
import { upgradeFixture } from "./upgrade-fixture";

const MIGRATION = "20261212100000_assertions_positive";

const f = upgradeFixture(MIGRATION);

describe(`migration ${MIGRATION}`, () => {
  it("clears bit 63 of negative masks and leaves the others alone", async () => {
    await f.migrateBefore();
    const { rows: sp } = await f.db.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ('urn:a', 'A') RETURNING id");
    // "other" + bit 25 as the importer stored it, "other" alone as stored, a plain mask, none.
    const stored = ["-4611686018393833472", "-4611686018427387904", "33554433", "0"];
    await f.db.query(
      `INSERT INTO occurrences (id, species_id, source, source_id, lat, lon, basis_of_record, rating, assertions)
       SELECT i, $1, 1, gen_random_uuid(), -30, 150, 1, 2, m::bigint FROM unnest($2::text[]) WITH ORDINALITY AS t(m, i)`,
      [sp[0].id, stored],
    );

    expect(await f.migrateUnderTest()).toEqual([MIGRATION]);

    const { rows } = await f.db.query<{ assertions: string }>("SELECT assertions::text FROM occurrences ORDER BY id");
    expect(rows.map((r) => BigInt(r.assertions))).toEqual([2n ** 62n + 2n ** 25n, 2n ** 62n, 33554433n, 0n]);
  });
});
