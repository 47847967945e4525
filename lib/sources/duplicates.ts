/**
 * Duplicates across sources (docs/sources.md): a record of a later source (higher sources.id) that
 * another, earlier source also holds points at that source's record (duplicate_of), so the map,
 * downloads and counts show the sighting once. Two records are the same sighting when they share
 * their occurrenceID, or by the ALA's duplicate rule (docs/ala-api.md) as far as Edgar stores its
 * parts: same species, same day, same coordinates. The ALA (source 1) is always the
 * representative; the ALA's own R/D statuses within itself are kept as given.
 */
import type pg from "pg";

// Two equality joins (hash-joinable) rather than one join on an OR: each scans the species' records once.
const MARK = `
WITH o AS MATERIALIZED (
  SELECT id, source, species_id, occurrence_key, event_date, lat, lon, duplicate_of
  FROM occurrences WHERE species_id = ANY($1::int[])
),
pairs AS (
  SELECT d.id, p.source, p.id AS rep FROM o d JOIN o p
    ON p.species_id = d.species_id AND p.occurrence_key = d.occurrence_key AND p.source < d.source
  UNION ALL
  SELECT d.id, p.source, p.id FROM o d JOIN o p
    ON p.species_id = d.species_id AND p.event_date = d.event_date AND p.lat = d.lat AND p.lon = d.lon AND p.source < d.source
),
best AS (SELECT DISTINCT ON (id) id, rep FROM pairs ORDER BY id, source, rep),
wanted AS (SELECT o.id, b.rep FROM o LEFT JOIN best b ON b.id = o.id WHERE o.source > 1 AND o.duplicate_of IS DISTINCT FROM b.rep)
UPDATE occurrences x SET duplicate_of = w.rep FROM wanted w WHERE x.id = w.id`;

/** Re-decides the cross-source duplicates of these species; returns how many records changed. */
export async function markCrossSourceDuplicates(db: pg.Pool | pg.PoolClient, speciesIds: Iterable<number>): Promise<number> {
  const ids = [...new Set(speciesIds)];
  if (ids.length === 0) return 0;
  // With the ALA alone there is nothing to compare, and the ALA sync calls this at every checkpoint.
  const { rows } = await db.query<{ other: boolean }>("SELECT EXISTS (SELECT 1 FROM sources WHERE id <> 1) AS other");
  if (!rows[0].other) return 0;
  let changed = 0;
  for (let i = 0; i < ids.length; i += 200) changed += (await db.query(MARK, [ids.slice(i, i + 200)])).rowCount ?? 0;
  return changed;
}
