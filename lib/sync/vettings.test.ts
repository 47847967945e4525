/**
 * Vettings through syncs: an expert's classification wins over the rating for the records its
 * area covers, including records the sync adds or changes; it stays with the species it was made
 * for when that species splits or is merged away, so records that leave the species fall back to
 * their rating.
 */
import { describe, expect, it } from "vitest";
import { classificationCode } from "@/lib/domain/codes";
import type { SpeciesSummary } from "@/lib/simulator";
import { applyVettings } from "@/lib/vetting/apply";
import { insertUser } from "@/lib/vetting/test-fixtures";
import { runSync } from "./run";
import { clientFor, expectedCopy, localCopy, staleSpeciesCounts } from "./test-support";
import { syncFixture } from "./test-fixture";

const f = syncFixture({ records: 1500, seed: 31 });

interface Box {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

const inside = (b: Box, lat: number | null, lon: number | null) =>
  lat !== null && lon !== null && lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat;

/** A known_invalid vetting of `guid` over the box. */
async function vet(guid: string, b: Box): Promise<number> {
  const author = await insertUser(f.db.pool, `expert-${guid.slice(-6)}`, "expert");
  const ring = [[b.minLon, b.minLat], [b.maxLon, b.minLat], [b.maxLon, b.maxLat], [b.minLon, b.maxLat], [b.minLon, b.minLat]];
  const { rows } = await f.db.pool.query<{ id: number; species_id: number }>(
    `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat)
     SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM species WHERE guid = $1 RETURNING id, species_id`,
    [guid, author, classificationCode.known_invalid, JSON.stringify({ type: "Polygon", coordinates: [ring] }), b.minLon, b.minLat, b.maxLon, b.maxLat],
  );
  await applyVettings(f.db.pool, rows[0].species_id);
  return rows[0].id;
}

/** Every local record's classification against what it must be: the vetting's inside `box` of `guid`, else the rating. */
async function wrongClassifications(guid: string, box: Box): Promise<string[]> {
  const expected = expectedCopy(f.sim).records;
  const local = await localCopy(f.db.pool);
  const out: string[] = [];
  for (const [id, l] of local) {
    const e = expected.get(id);
    if (!e) out.push(`extra ${id}`);
    else {
      const want = e.guid === guid && inside(box, e.lat, e.lon) ? classificationCode.known_invalid : e.rating;
      if (l.classification !== want || l.guid !== e.guid) out.push(`${id} (${l.guid}): ${l.classification}, expected ${want} in ${e.guid}`);
    }
  }
  if (expected.size !== local.size) out.push(`local ${local.size} records, expected ${expected.size}`);
  return out.slice(0, 10);
}

const speciesRow = async (guid: string) =>
  (await f.db.pool.query("SELECT id, status, known_invalid_count, data_version FROM species WHERE guid = $1", [guid])).rows[0];
const vettingSpecies = async (id: number) =>
  (await f.db.pool.query("SELECT s.guid FROM vettings v JOIN species s ON s.id = v.species_id WHERE v.id = $1", [id])).rows[0].guid as string;

describe("vettings across syncs", () => {
  let target: SpeciesSummary;
  let box: Box;
  let vetting: number;

  it("records the sync adds or changes inside a vetting take its classification", async () => {
    expect((await runSync({ kind: "full", client: clientFor(f.sim) })).status).toBe("succeeded");
    [target] = f.sim.world.speciesList().filter((s) => !s.retired).sort((a, b) => b.count - a.count);
    // The whole of the species' range, so records added to it later fall inside too.
    box = { minLon: 110, minLat: -45, maxLon: 155, maxLat: -9 };
    vetting = await vet(target.guid, box);
    expect(await wrongClassifications(target.guid, box)).toEqual([]);
    const before = await speciesRow(target.guid);
    expect(before.known_invalid_count).toBeGreaterThan(0);

    f.sim.world.addRecords({ count: 30, species: target.guid });
    f.sim.world.updateRecords({ species: target.guid, count: 20 });
    expect((await runSync({ client: clientFor(f.sim) })).status).toBe("succeeded");
    expect(await wrongClassifications(target.guid, box)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    const after = await speciesRow(target.guid);
    expect(after.known_invalid_count).toBeGreaterThan(before.known_invalid_count);
    expect(after.data_version).toBeGreaterThan(before.data_version);
  });

  it("a split moves records to the new species, where the old species' vetting no longer applies", async () => {
    const { species: western, moved } = f.sim.world.splitSpecies({ guid: target.guid, fraction: 0.3 });
    expect(moved).toBeGreaterThan(0);
    expect((await runSync({ client: clientFor(f.sim) })).status).toBe("succeeded");
    expect(await wrongClassifications(target.guid, box)).toEqual([]);
    expect(await vettingSpecies(vetting)).toBe(target.guid);
    expect((await speciesRow(western.guid)).known_invalid_count).toBe(0);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
  });

  it("a merge moves every record to the accepted species; the vetting stays with the merged one", async () => {
    const into = f.sim.world.speciesList().filter((s) => !s.retired && s.guid !== target.guid).sort((a, b) => b.count - a.count)[0];
    f.sim.world.mergeSpecies({ from: target.guid, into: into.guid });
    expect((await runSync({ client: clientFor(f.sim) })).status).toBe("succeeded");
    expect(await wrongClassifications(target.guid, box)).toEqual([]);
    expect(await speciesRow(target.guid)).toMatchObject({ status: "merged", known_invalid_count: 0 });
    expect(await vettingSpecies(vetting)).toBe(target.guid);
    expect((await f.db.pool.query("SELECT deleted_at FROM vettings WHERE id = $1", [vetting])).rows[0].deleted_at).toBeNull();
    expect((await speciesRow(into.guid)).known_invalid_count).toBe(0);
  });
});
