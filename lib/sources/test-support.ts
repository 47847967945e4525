/**
 * What the source tests share (the pair tests — ALA with a second Living Atlas, ALA with GBIF —
 * and the test of all four kinds in one database): each source's records as stored, what they
 * must be according to the simulators' ground truth, and the check that species counts add up.
 */
import type pg from "pg";
import { normaliseBasisOfRecord } from "@/lib/domain/codes";
import { isRelevant } from "@/lib/ratings/rules";
import type { Simulator } from "@/lib/simulator";
import type { GbifSimulator } from "@/lib/simulator/gbif";
import { searchRecord } from "@/lib/simulator/record";
import { expectedCopy, storedRecord, type ExpectedRecord } from "@/lib/sync/test-support";
import { binomialKey, nameKey } from "./names";

export type AtlasLocal = ExpectedRecord & { duplicateOf: string | null };

/** A Living Atlas source's records as the shared sync helpers describe them (guid: Edgar's species), keyed by record id. */
export async function atlasRecords(db: pg.Pool, sourceId: number): Promise<Map<string, AtlasLocal>> {
  const { rows } = await db.query(
    `SELECT o.source_id, s.guid, o.rating, o.sensitive, o.duplicate_status, o.lat, o.lon, i.image_id, d.uid, r.source_id AS duplicate_of
     FROM occurrences o JOIN species s ON s.id = o.species_id
     LEFT JOIN occurrence_images i ON i.occurrence_id = o.id LEFT JOIN datasets d ON d.id = o.dataset_id
     LEFT JOIN occurrences r ON r.id = o.duplicate_of
     WHERE o.source = $1`,
    [sourceId],
  );
  return new Map(rows.map((r) => [r.source_id, { ...storedRecord(r), duplicateOf: r.duplicate_of }]));
}

/**
 * What a second atlas's records must be in Edgar: its ground truth, for species whose name Edgar
 * knows (in Edgar's guid), without image ids, with datasets under the source's own prefix; and the
 * records of species it does not know, which are skipped.
 */
export async function expectedAtlas(db: pg.Pool, atlas: Simulator, sourceId: number): Promise<{ records: Map<string, ExpectedRecord>; unmatched: Map<string, number> }> {
  const { rows } = await db.query<{ guid: string; scientific_name: string }>("SELECT guid, scientific_name FROM species");
  const byKey = new Map(rows.map((r) => [nameKey(r.scientific_name)!, r.guid]));
  // As docs/sources.md says: the name without authorship, and a trinomial by its binomial.
  const edgarGuid = { get: (name: string) => byKey.get(nameKey(name)!) ?? byKey.get(binomialKey(nameKey(name)!) ?? ""), has: (name: string) => edgarGuid.get(name) !== undefined };
  const names = new Map(atlas.world.speciesList().map((s) => [s.guid, s.scientificName]));
  const records = new Map<string, ExpectedRecord>();
  for (const [id, r] of expectedCopy(atlas).records) {
    const guid = edgarGuid.get(names.get(r.guid)!);
    if (guid) records.set(id, { ...r, guid, imageId: null, dataset: r.dataset && `source${sourceId}:${r.dataset}` });
  }
  const unmatched = new Map(
    atlas.world
      .speciesList()
      .filter((s) => !s.retired && s.count > 0 && !edgarGuid.has(s.scientificName))
      .map((s) => [s.scientificName, s.count]),
  );
  return { records, unmatched };
}

/** The first ten differences between stored and expected records (none: equal). */
export function differences(local: Map<string, AtlasLocal>, expected: Map<string, ExpectedRecord>): string[] {
  const out: string[] = [];
  for (const [id, e] of expected) {
    const l = local.get(id);
    if (!l) out.push(`missing ${id}`);
    else {
      const { duplicateOf: _, ...rest } = l;
      if (JSON.stringify(rest) !== JSON.stringify(e)) out.push(`differs ${id}: ${JSON.stringify(rest)} ≠ ${JSON.stringify(e)}`);
    }
  }
  for (const id of local.keys()) if (!expected.has(id)) out.push(`extra ${id}`);
  return out.slice(0, 10);
}

/** Species whose count is not every source's records with a sighting two sources share counted once (none: they add up). */
export async function countsThatDiffer(db: pg.Pool): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT s.guid, s.occurrence_count, c.n FROM species s
     LEFT JOIN (SELECT species_id, count(*) FILTER (WHERE duplicate_of IS NULL)::int AS n FROM occurrences GROUP BY species_id) c ON c.species_id = s.id
     WHERE s.occurrence_count <> coalesce(c.n, 0)`,
  );
  return rows;
}

/**
 * Makes `count` of the second atlas's records sightings the ALA holds (the ALA record's species,
 * day and place); returns them, atlas record id → ALA record id.
 */
export function shareSightings(ala: Simulator, atlas: Simulator, count: number, shared = new Map<string, string>()): Map<string, string> {
  const byName = new Map(atlas.world.speciesList().map((s) => [s.scientificName, s.guid]));
  const alaNames = new Map(ala.world.speciesList().map((s) => [s.guid, s]));
  const expected = expectedCopy(ala).records;
  const candidates = [...expected].filter(([, r]) => !r.sensitive && r.lat !== null);
  const atlasIds = [...expectedCopy(atlas).records].filter(([, r]) => !r.sensitive).map(([id]) => id);
  for (const [alaId] of candidates) {
    if (shared.size === count) break;
    const rec = searchRecord(ala.world, ala.world.recordIndex(alaId), ala.url) as Record<string, unknown>;
    const date = typeof rec.eventDate === "number" ? new Date(rec.eventDate) : null;
    const species = alaNames.get(expected.get(alaId)!.guid)!;
    if (!date || alaNames.get(expected.get(alaId)!.guid)!.sensitive || typeof rec.decimalLatitude !== "number") continue;
    const atlasId = atlasIds[shared.size * 7];
    atlas.world.updateRecords({
      uuids: [atlasId],
      set: {
        speciesGuid: byName.get(species.scientificName)!,
        decimalLatitude: rec.decimalLatitude,
        decimalLongitude: rec.decimalLongitude as number,
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        basisOfRecord: "HUMAN_OBSERVATION",
      },
    });
    shared.set(atlasId, alaId);
  }
  return shared;
}

// Coordinates are stored as real (float4), as the ALA's are.
const fround = (x: number | null) => (x === null ? null : Math.fround(x));

export type GbifLocal = { key: string; species: string; lat: number | null; lon: number | null; day: string | null };

/** What a correct GBIF import holds: every bird record of a species Edgar knows, of a relevant basis, keyed by occurrenceID. */
export async function expectedGbif(db: pg.Pool, gbif: GbifSimulator): Promise<{ records: Map<string, GbifLocal>; shared: number; unmatched: number; basis: number }> {
  const known = new Set((await db.query<{ scientific_name: string }>("SELECT scientific_name FROM species")).rows.map((r) => r.scientific_name));
  const records = new Map<string, GbifLocal>();
  let shared = 0;
  let unmatched = 0;
  let basis = 0;
  for (const r of gbif.truth().records) {
    if (r.class !== "Aves") continue;
    if (!isRelevant({ basisOfRecord: normaliseBasisOfRecord(r.basisOfRecord) }).relevant) {
      basis++;
      continue;
    }
    if (!known.has(r.species)) {
      unmatched++;
      continue;
    }
    if (r.alaUuid) shared++;
    records.set(r.occurrenceID, { key: r.occurrenceID, species: r.species, lat: fround(r.decimalLatitude), lon: fround(r.decimalLongitude), day: r.eventDate && r.eventDate.length >= 10 ? r.eventDate.slice(0, 10) : null });
  }
  return { records, shared, unmatched, basis };
}

/** A GBIF source's records as stored, keyed by occurrenceID. */
export async function gbifRecords(db: pg.Pool, sourceId: number): Promise<Map<string, GbifLocal>> {
  const { rows } = await db.query<{ occurrence_key: string; scientific_name: string; lat: number | null; lon: number | null; day: string | null }>(
    `SELECT o.occurrence_key, s.scientific_name, o.lat, o.lon, to_char(o.event_date, 'YYYY-MM-DD') AS day
     FROM occurrences o JOIN species s ON s.id = o.species_id WHERE o.source = $1`,
    [sourceId],
  );
  return new Map(rows.map((r) => [r.occurrence_key, { key: r.occurrence_key, species: r.scientific_name, lat: fround(r.lat), lon: fround(r.lon), day: r.day }]));
}

/**
 * Runs `fn` with a trigger that ends the sessions of the run locks (source and sync) of this
 * database when a source_runs row is inserted or updated to `status` — what a database restart or
 * an idle-session cut does to a run's locks, at a chosen step.
 */
export async function withLocksCut<T>(db: pg.Pool, on: "INSERT" | "UPDATE", status: string, fn: () => Promise<T>): Promise<T> {
  await db.query(`
    CREATE FUNCTION cut_locks() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      PERFORM pg_terminate_backend(pid, 5000) FROM pg_stat_activity
        WHERE application_name IN ('edgar-source-lock', 'edgar-sync-lock') AND datname = current_database();
      RETURN NULL;
    END $$;
    CREATE TRIGGER cut_locks AFTER ${on} ON source_runs FOR EACH ROW WHEN (NEW.status = '${status}') EXECUTE FUNCTION cut_locks();`);
  try {
    return await fn();
  } finally {
    await db.query("DROP TRIGGER cut_locks ON source_runs; DROP FUNCTION cut_locks()");
  }
}
