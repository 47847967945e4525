/**
 * Which species a record from another source joins (docs/sources.md, "Species across sources"):
 * the ALA's species id when the source gives one (taxonConceptID / taxonID equal to a species
 * guid), else the scientific name with authorship stripped (lib/sources/names.ts), else an
 * admin's mapping of that name. Species stay the ALA's: other sources never create them, and
 * names that match none are counted per source and listed in /admin until mapped.
 */
import type pg from "pg";
import { binomialKey, nameKey } from "./names";

export class SpeciesMatcher {
  /** name key → records left unmatched in this import, with a name as the source spelt it. */
  readonly unmatched = new Map<string, { name: string; records: number }>();

  private constructor(
    private readonly byGuid: Map<string, number>,
    private readonly byName: Map<string, number>,
  ) {}

  static async load(db: pg.Pool): Promise<SpeciesMatcher> {
    // A merged species resolves to the species it was merged into.
    const { rows } = await db.query<{ id: number; guid: string; scientific_name: string; status: string }>(
      `SELECT coalesce(CASE WHEN s.status = 'merged' THEN s.accepted_species_id END, s.id) AS id, s.guid, s.scientific_name, s.status
         FROM species s`,
    );
    const byGuid = new Map<string, number>();
    const byName = new Map<string, number>();
    for (const r of rows) {
      byGuid.set(r.guid, r.id);
      const key = nameKey(r.scientific_name);
      // An active species wins a name over a retired one of the same spelling.
      if (key && (r.status === "active" || !byName.has(key))) byName.set(key, r.id);
    }
    const mappings = await db.query<{ name_key: string; species_id: number }>("SELECT name_key, species_id FROM species_name_mappings");
    for (const m of mappings.rows) byName.set(m.name_key, m.species_id);
    return new SpeciesMatcher(byGuid, byName);
  }

  /** The species id, or null (and the name counted as unmatched). */
  match(taxonIds: readonly (string | null)[], scientificName: string | null): number | null {
    for (const id of taxonIds) {
      const hit = id ? this.byGuid.get(id.trim()) : undefined;
      if (hit !== undefined) return hit;
    }
    const key = scientificName ? nameKey(scientificName) : null;
    if (key) {
      const hit = this.byName.get(key) ?? this.byName.get(binomialKey(key) ?? "");
      if (hit !== undefined) return hit;
    }
    const shown = key ?? (scientificName?.trim() || "(no name)").toLowerCase().slice(0, 300);
    const entry = this.unmatched.get(shown) ?? { name: (scientificName ?? "(no name)").trim().slice(0, 300), records: 0 };
    entry.records++;
    this.unmatched.set(shown, entry);
    return null;
  }
}

/**
 * Replaces a source's list of unmatched names with this import's; an incremental import (which
 * saw only the records that changed) adds its names and leaves the others listed.
 */
export async function saveUnmatched(db: pg.Pool | pg.PoolClient, sourceId: number, unmatched: SpeciesMatcher["unmatched"], o: { partial?: boolean } = {}): Promise<void> {
  if (!o.partial) await db.query("DELETE FROM source_unmatched_names WHERE source_id = $1", [sourceId]);
  const list = [...unmatched.entries()];
  if (!list.length) return;
  await db.query(
    `INSERT INTO source_unmatched_names (source_id, name_key, name, records)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[])
     ON CONFLICT (source_id, name_key) DO UPDATE SET last_seen_at = now()`,
    [sourceId, list.map(([k]) => k), list.map(([, v]) => v.name), list.map(([, v]) => v.records)],
  );
}

/**
 * An admin maps an unmatched name to a species: every source's later imports join it. Returns
 * false when the species does not exist.
 */
export async function mapName(db: pg.Pool, name: string, speciesId: number): Promise<boolean> {
  const key = nameKey(name) ?? name.trim().toLowerCase();
  const { rowCount } = await db.query(
    `INSERT INTO species_name_mappings (name_key, species_id) SELECT $1, id FROM species WHERE id = $2
     ON CONFLICT (name_key) DO UPDATE SET species_id = EXCLUDED.species_id, created_at = now()`,
    [key, speciesId],
  );
  if (!rowCount) return false;
  await db.query("DELETE FROM source_unmatched_names WHERE name_key = $1", [key]);
  return true;
}
