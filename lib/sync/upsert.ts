/**
 * Step 6: rows → occurrences, set-based. A batch is COPYed into a temporary staging table, then
 * one statement updates the existing rows whose data changed and inserts the new ones (with
 * their first image and, for sensitive records, accurate coordinates). Nothing is written for
 * unchanged rows and no sequence value is spent on them, so re-applying a batch is a no-op:
 * that is what makes a killed run safe to resume.
 */
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { SOURCES } from "@/lib/domain/codes";
import { copyTextOf } from "./copy-text";
import type { StagedRow } from "./prepare";

export interface UpsertResult {
  added: number;
  updated: number;
  /** Species whose records changed (gained, lost or changed a record). */
  touched: Set<number>;
  /** Records that moved species in this batch: from → to → count (splits and merges). */
  moves: Map<number, Map<number, number>>;
}

const STAGE = `CREATE TEMP TABLE IF NOT EXISTS sync_stage (
  source_id uuid NOT NULL,
  species_id integer NOT NULL,
  dataset_id integer,
  lat real,
  lon real,
  uncertainty_m real,
  event_date date,
  year smallint,
  basis_of_record smallint NOT NULL,
  assertions bigint NOT NULL,
  sensitive boolean NOT NULL,
  duplicate_status smallint NOT NULL,
  rating smallint NOT NULL,
  source_loaded_at timestamptz(3),
  image_id text,
  accurate_lat double precision,
  accurate_lon double precision,
  occurrence_key text
) ON COMMIT DELETE ROWS`;

// What vettings decided is kept apart, per species and record id (classification_states), so it
// survives a data update untouched; applyVettings re-decides it after the batch for species with
// vettings or states, which also clears what a record that moved species left behind.
const MERGE = `
WITH ex AS (
  SELECT o.* FROM occurrences o WHERE o.source = $1 AND o.source_id = ANY (ARRAY(SELECT source_id FROM sync_stage))
),
ex_images AS (
  SELECT * FROM occurrence_images WHERE occurrence_id = ANY (ARRAY(SELECT id FROM ex))
),
ex_accurate AS (
  SELECT * FROM sensitive_coordinates WHERE occurrence_id = ANY (ARRAY(SELECT id FROM ex))
),
cur AS (
  SELECT s.*, o.id AS occ_id, o.species_id AS old_species_id,
    (o.species_id, o.dataset_id, o.lat, o.lon, o.uncertainty_m, o.event_date, o.year, o.basis_of_record, o.assertions,
     o.sensitive, o.duplicate_status, o.rating, i.image_id, o.occurrence_key)
      IS DISTINCT FROM
    (s.species_id, s.dataset_id, s.lat, s.lon, s.uncertainty_m, s.event_date, s.year, s.basis_of_record, s.assertions,
     s.sensitive, s.duplicate_status, s.rating, s.image_id, s.occurrence_key)
    OR CASE WHEN s.accurate_lat IS NULL THEN NOT s.sensitive AND sc.occurrence_id IS NOT NULL
            ELSE (sc.lat, sc.lon) IS DISTINCT FROM (s.accurate_lat, s.accurate_lon) END AS changed
  FROM sync_stage s
  LEFT JOIN ex o ON o.source_id = s.source_id
  LEFT JOIN ex_images i ON i.occurrence_id = o.id
  LEFT JOIN ex_accurate sc ON sc.occurrence_id = o.id
),
upd AS (
  UPDATE occurrences o SET
    species_id = c.species_id, dataset_id = c.dataset_id, lat = c.lat, lon = c.lon, uncertainty_m = c.uncertainty_m,
    event_date = c.event_date, year = c.year, basis_of_record = c.basis_of_record, assertions = c.assertions,
    sensitive = c.sensitive, duplicate_status = c.duplicate_status, rating = c.rating, source_loaded_at = c.source_loaded_at,
    occurrence_key = c.occurrence_key
  FROM cur c
  WHERE c.occ_id IS NOT NULL AND c.changed AND o.id = c.occ_id
  RETURNING o.id, c.old_species_id, c.species_id, c.image_id, c.sensitive, c.accurate_lat, c.accurate_lon
),
ins AS (
  INSERT INTO occurrences (source, source_id, species_id, dataset_id, lat, lon, uncertainty_m, event_date, year,
    basis_of_record, assertions, sensitive, duplicate_status, rating, source_loaded_at, occurrence_key)
  SELECT $1, c.source_id, c.species_id, c.dataset_id, c.lat, c.lon, c.uncertainty_m, c.event_date, c.year,
    c.basis_of_record, c.assertions, c.sensitive, c.duplicate_status, c.rating, c.source_loaded_at, c.occurrence_key
  FROM cur c WHERE c.occ_id IS NULL
  RETURNING id, source_id, species_id
),
written AS (
  SELECT u.id, u.image_id, u.sensitive, u.accurate_lat, u.accurate_lon, true AS existed FROM upd u
  UNION ALL
  SELECT n.id, c.image_id, c.sensitive, c.accurate_lat, c.accurate_lon, false FROM ins n JOIN cur c ON c.source_id = n.source_id
),
image_set AS (
  INSERT INTO occurrence_images (occurrence_id, image_id)
  SELECT w.id, w.image_id FROM written w WHERE w.image_id IS NOT NULL
  ON CONFLICT (occurrence_id) DO UPDATE SET image_id = EXCLUDED.image_id, creator = NULL, rights_holder = NULL, license = NULL, fetched_at = NULL
  WHERE occurrence_images.image_id <> EXCLUDED.image_id
),
image_gone AS (
  DELETE FROM occurrence_images i USING written w WHERE w.existed AND w.image_id IS NULL AND i.occurrence_id = w.id
),
accurate_set AS (
  INSERT INTO sensitive_coordinates (occurrence_id, lat, lon)
  SELECT w.id, w.accurate_lat, w.accurate_lon FROM written w WHERE w.accurate_lat IS NOT NULL
  ON CONFLICT (occurrence_id) DO UPDATE SET lat = EXCLUDED.lat, lon = EXCLUDED.lon
),
accurate_gone AS (
  DELETE FROM sensitive_coordinates sc USING written w WHERE w.existed AND NOT w.sensitive AND sc.occurrence_id = w.id
)
SELECT NULL::int AS from_species, species_id AS to_species, count(*)::int AS n FROM ins GROUP BY species_id
UNION ALL
SELECT old_species_id, species_id, count(*)::int FROM upd GROUP BY old_species_id, species_id`;

// occurrences has no foreign keys (they cost PostgreSQL about 8 µs a record, migration
// 20261210100000_occurrence_keys_per_batch): a batch's distinct species and datasets are checked
// and locked against deletion here, once a batch.
const KEYS = `
WITH sp AS (SELECT DISTINCT species_id AS id FROM sync_stage),
ds AS (SELECT DISTINCT dataset_id AS id FROM sync_stage WHERE dataset_id IS NOT NULL),
sp_held AS (SELECT id FROM species WHERE id IN (SELECT id FROM sp) FOR KEY SHARE),
ds_held AS (SELECT id FROM datasets WHERE id IN (SELECT id FROM ds) FOR KEY SHARE)
SELECT ARRAY(SELECT id FROM sp EXCEPT SELECT id FROM sp_held ORDER BY 1) AS species,
  ARRAY(SELECT id FROM ds EXCEPT SELECT id FROM ds_held ORDER BY 1) AS datasets`;

// A species the source no longer lists whose records now live under another one was merged into it.
const MERGED = `
UPDATE species s SET status = 'merged', accepted_species_id = m.to_species, updated_at = now()
FROM unnest($1::int[], $2::int[]) AS m(from_species, to_species)
WHERE s.id = m.from_species AND (s.status = 'retired' OR (s.status = 'merged' AND s.accepted_species_id IS NULL))`;

const RETRYABLE = new Set(["40P01", "40001"]); // deadlock, serialization failure

/** Upserts one batch in one transaction (retried on deadlock, which concurrent moves can cause). */
export async function upsertRows(pool: pg.Pool, input: readonly StagedRow[], source: number = SOURCES.ala): Promise<UpsertResult> {
  // The same record can come twice in a batch (paging over a changing index): the last one wins.
  const rows = [...new Map(input.map((r) => [r.sourceId, r])).values()];
  return upsertCopy(pool, copyTextOf(rows), source);
}

/**
 * Upserts one batch already written as COPY text (lib/sync/copy-text.ts; each record once: the
 * download thread drops repeats), in one transaction.
 */
export async function upsertCopy(pool: pg.Pool, copy: Uint8Array, source: number = SOURCES.ala): Promise<UpsertResult> {
  if (copy.length === 0) return { added: 0, updated: 0, touched: new Set(), moves: new Map() };
  return applyStaged(pool, () => Readable.from([Buffer.from(copy.buffer, copy.byteOffset, copy.length)]), source);
}

const ignoreLost = () => undefined;

async function applyStaged(pool: pg.Pool, stage: () => Readable, source: number): Promise<UpsertResult> {
  const result: UpsertResult = { added: 0, updated: 0, touched: new Set(), moves: new Map() };
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    // A connection lost mid-batch (the database restarting) fails the statement under way; the
    // client's own 'error' event, unheard, would end the process instead.
    client.on("error", ignoreLost);
    try {
      await client.query("BEGIN");
      await client.query(STAGE);
      await pipeline(stage(), client.query(copyFrom("COPY sync_stage FROM STDIN")));
      const { rows: [missing] } = await client.query<{ species: number[]; datasets: number[] }>(KEYS);
      const named: string[] = [];
      if (missing.species.length) named.push(`species ${missing.species.join(", ")}`);
      if (missing.datasets.length) named.push(`datasets ${missing.datasets.join(", ")}`);
      if (named.length) throw new Error(`the batch names ${named.join(" and ")}, which the database does not hold; none of it was written`);
      const { rows: groups } = await client.query<{ from_species: number | null; to_species: number; n: number }>(MERGE, [source]);
      const merges: [number, number][] = [];
      for (const g of groups) {
        result.touched.add(g.to_species);
        if (g.from_species === null) {
          result.added += g.n;
          continue;
        }
        result.updated += g.n;
        result.touched.add(g.from_species);
        if (g.from_species !== g.to_species) {
          const to = result.moves.get(g.from_species) ?? new Map<number, number>();
          to.set(g.to_species, (to.get(g.to_species) ?? 0) + g.n);
          result.moves.set(g.from_species, to);
        }
      }
      for (const [from, to] of result.moves) {
        const [main] = [...to.entries()].sort((a, b) => b[1] - a[1]);
        merges.push([from, main[0]]);
      }
      if (merges.length) await client.query(MERGED, [merges.map((m) => m[0]), merges.map((m) => m[1])]);
      await client.query("COMMIT");
      client.off("error", ignoreLost);
      client.release();
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.off("error", ignoreLost);
      client.release(err as Error); // not reused: its session state is unknown
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw err;
      result.added = result.updated = 0;
      result.touched.clear();
      result.moves.clear();
    }
  }
}

/** Deletes records by source id; returns how many and which species lost records. */
export async function deleteBySourceIds(
  db: pg.Pool | pg.PoolClient,
  sourceIds: readonly string[],
  source: number = SOURCES.ala,
): Promise<{ deleted: number; touched: Set<number> }> {
  const touched = new Set<number>();
  let deleted = 0;
  for (let i = 0; i < sourceIds.length; i += 10_000) {
    const { rows } = await db.query<{ species_id: number; n: number }>(
      `WITH d AS (DELETE FROM occurrences WHERE source = $2 AND source_id = ANY($1::uuid[]) RETURNING species_id)
       SELECT species_id, count(*)::int AS n FROM d GROUP BY species_id`,
      [sourceIds.slice(i, i + 10_000), source],
    );
    for (const r of rows) {
      touched.add(r.species_id);
      deleted += r.n;
    }
  }
  return { deleted, touched };
}
