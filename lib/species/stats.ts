/**
 * Per-species counts and data version. Called by the sync for every species whose records
 * changed, and by vetting re-classification; tiles key on data_version, so a bump is what makes
 * maps show the change.
 */
import type pg from "pg";
import { classificationCode } from "@/lib/domain/codes";

export interface RefreshOptions {
  /**
   * Add one to data_version. In refreshSpeciesStats, whose callers changed the records themselves,
   * also to records_version (vettings change classifications only: adjustSpeciesCounts).
   */
  bumpVersion: boolean;
  /** Also record when the sync last brought the species up to date. */
  syncedAt?: Date;
}

/**
 * Recounts occurrences per classification (and contentious ones) of these species from the
 * classified_occurrences view, in one statement. Species without records get zeros. A sighting
 * another source already holds (duplicate_of, docs/sources.md) is counted once, as its representative.
 */
export async function refreshSpeciesStats(
  db: pg.Pool | pg.PoolClient | pg.Client,
  speciesIds: Iterable<number>,
  options: RefreshOptions,
): Promise<void> {
  const ids = [...new Set(speciesIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  const c = classificationCode;
  await db.query(
    `UPDATE species s SET
       occurrence_count      = c.total,
       known_valid_count     = c.known_valid,
       assumed_valid_count   = c.assumed_valid,
       assumed_invalid_count = c.assumed_invalid,
       known_invalid_count   = c.known_invalid,
       contentious_count     = c.contentious,
       data_version          = s.data_version + CASE WHEN $2 THEN 1 ELSE 0 END,
       records_version       = s.records_version + CASE WHEN $2 THEN 1 ELSE 0 END,
       last_synced_at        = COALESCE($3, s.last_synced_at),
       updated_at            = now()
     FROM (
       SELECT ids.id,
              count(o.id)::int AS total,
              count(*) FILTER (WHERE o.classification = ${c.known_valid})::int AS known_valid,
              count(*) FILTER (WHERE o.classification = ${c.assumed_valid})::int AS assumed_valid,
              count(*) FILTER (WHERE o.classification = ${c.assumed_invalid})::int AS assumed_invalid,
              count(*) FILTER (WHERE o.classification = ${c.known_invalid})::int AS known_invalid,
              count(*) FILTER (WHERE o.contentious)::int AS contentious
       FROM unnest($1::int[]) AS ids(id)
       LEFT JOIN classified_occurrences o ON o.species_id = ids.id AND o.duplicate_of IS NULL
       GROUP BY ids.id
     ) c
     WHERE s.id = c.id`,
    [ids, options.bumpVersion, options.syncedAt ?? null],
  );
}

/** How many records each count gains (positive) or loses (negative). */
export interface CountDelta {
  knownValid: number;
  assumedValid: number;
  assumedInvalid: number;
  knownInvalid: number;
  contentious: number;
}

/**
 * Moves one species' classification counts by a delta known exactly (re-classification knows
 * every row it changed), instead of recounting a million records.
 */
export async function adjustSpeciesCounts(
  db: pg.Pool | pg.PoolClient | pg.Client,
  speciesId: number,
  delta: CountDelta,
  options: Pick<RefreshOptions, "bumpVersion">,
): Promise<void> {
  await db.query(
    `UPDATE species SET
       known_valid_count     = known_valid_count + $2,
       assumed_valid_count   = assumed_valid_count + $3,
       assumed_invalid_count = assumed_invalid_count + $4,
       known_invalid_count   = known_invalid_count + $5,
       contentious_count     = contentious_count + $6,
       data_version          = data_version + CASE WHEN $7 THEN 1 ELSE 0 END,
       updated_at            = now()
     WHERE id = $1`,
    [speciesId, delta.knownValid, delta.assumedValid, delta.assumedInvalid, delta.knownInvalid, delta.contentious, options.bumpVersion],
  );
}
