import { pool } from "@/lib/db/pool";

/** GET /api/species/{id} (contract). */
export interface SpeciesDetail {
  id: number;
  guid: string;
  scientificName: string;
  commonName: string | null;
  occurrenceCount: number;
  counts: { knownValid: number; assumedValid: number; assumedInvalid: number; knownInvalid: number };
  contentiousCount: number;
  /** Changes whenever the species' records or classifications do: clients refresh tiles on it. */
  dataVersion: number;
  lastSyncedAt: string | null;
  /**
   * A vetting change is waiting for (or in) its re-classification job: the categories and
   * dataVersion are about to change, so clients ask again sooner and say so.
   */
  reclassifying: boolean;
  /**
   * Changes whenever any of the species' vettings is created, changed (a comment included) or
   * deleted, whether or not a category moved: clients fetch the outlines again on it.
   */
  vettingsVersion: string;
}

/**
 * SQL for the digest of species `s`'s vettings. A digest, not the latest time: a change committed
 * after a later-started one still shows. Every write through Edgar sets updated_at; the comment
 * and qualifier are in for SQL edits.
 */
export const VETTINGS_VERSION_SQL = `(SELECT left(md5(coalesce(string_agg(concat_ws('/', v.id, v.updated_at, v.deleted_at, v.classification, v.range_qualifier, v.comment), ',' ORDER BY v.id), '')), 16)
               FROM vettings v WHERE v.species_id = s.id)`;

/** One species with its stored counts, or null when there is no such species. */
export async function getSpecies(id: number): Promise<SpeciesDetail | null> {
  const { rows } = await pool().query(
    `SELECT id, guid, scientific_name, common_name, occurrence_count, known_valid_count, assumed_valid_count,
            assumed_invalid_count, known_invalid_count, contentious_count, data_version, last_synced_at,
            EXISTS (SELECT 1 FROM vetting_changes c WHERE c.species_id = s.id) AS reclassifying,
            ${VETTINGS_VERSION_SQL} AS vettings_version
       FROM species s WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    guid: r.guid,
    scientificName: r.scientific_name,
    commonName: r.common_name,
    occurrenceCount: r.occurrence_count,
    counts: {
      knownValid: r.known_valid_count,
      assumedValid: r.assumed_valid_count,
      assumedInvalid: r.assumed_invalid_count,
      knownInvalid: r.known_invalid_count,
    },
    contentiousCount: r.contentious_count,
    dataVersion: r.data_version,
    lastSyncedAt: r.last_synced_at ? (r.last_synced_at as Date).toISOString() : null,
    reclassifying: r.reclassifying,
    vettingsVersion: r.vettings_version,
  };
}
