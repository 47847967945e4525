/**
 * Steps 3–4: the remote species list against the species table. New species are added, known
 * ones renamed or revived, and species the source no longer lists are retired (upsert.ts turns
 * a retired species into `merged` once its records turn up under another one).
 */
import type pg from "pg";
import type { SpeciesInfo } from "@/lib/ala/client";
import { log } from "@/lib/log";

type Db = pg.Pool | pg.PoolClient;

export interface SpeciesChanges {
  added: number;
  renamed: number;
  revived: number;
  retired: number;
}

interface LocalSpecies {
  id: number;
  guid: string;
  status: string;
  scientific_name: string;
  common_name: string | null;
}

export async function localSpecies(db: Db): Promise<Map<string, LocalSpecies>> {
  const { rows } = await db.query<LocalSpecies>("SELECT id, guid, status, scientific_name, common_name FROM species");
  return new Map(rows.map((r) => [r.guid, r]));
}

/** Applies the remote list; returns what changed. */
export async function applySpeciesList(db: Db, remote: readonly SpeciesInfo[]): Promise<SpeciesChanges> {
  const local = await localSpecies(db);
  const remoteGuids = new Set(remote.map((s) => s.guid));
  const added = remote.filter((s) => !local.has(s.guid));
  const changed = remote.filter((s) => {
    const l = local.get(s.guid);
    if (!l) return false;
    const renamed = (s.scientificName !== null && s.scientificName !== l.scientific_name) || (s.commonName !== null && s.commonName !== l.common_name);
    return renamed || l.status !== "active";
  });
  const gone = [...local.values()].filter((l) => l.status === "active" && !remoteGuids.has(l.guid));

  if (added.length) {
    await db.query(
      `INSERT INTO species (guid, scientific_name, common_name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (guid) DO NOTHING`,
      [added.map((s) => s.guid), added.map((s) => s.scientificName ?? s.guid), added.map((s) => s.commonName)],
    );
  }
  if (changed.length) {
    await db.query(
      `UPDATE species s SET
         scientific_name = COALESCE(c.scientific_name, s.scientific_name),
         common_name = COALESCE(c.common_name, s.common_name),
         status = 'active', accepted_species_id = NULL, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[]) AS c(guid, scientific_name, common_name)
       WHERE s.guid = c.guid`,
      [changed.map((s) => s.guid), changed.map((s) => s.scientificName), changed.map((s) => s.commonName)],
    );
  }
  if (gone.length) {
    await db.query(
      "UPDATE species SET status = 'retired', updated_at = now() WHERE guid = ANY($1::text[]) AND status = 'active'",
      [gone.map((s) => s.guid)],
    );
  }
  const revived = changed.filter((s) => local.get(s.guid)!.status !== "active").length;
  const result = { added: added.length, renamed: changed.length - revived, revived, retired: gone.length };
  log.info(result, "species list applied");
  return result;
}

/** Species with records at the source: active again (a later list than step 3's may show them). */
export async function reviveSpecies(db: Db, guids: readonly string[]): Promise<void> {
  if (!guids.length) return;
  await db.query(
    `UPDATE species SET status = 'active', accepted_species_id = NULL, updated_at = now()
     WHERE guid = ANY($1::text[]) AND status <> 'active'`,
    [guids],
  );
}

/**
 * guid → species id for the records being imported. A record may name a species the list did
 * not have yet (it appeared during the run): that species is created on first sight.
 */
export class SpeciesIds {
  private readonly pending = new Map<string, Promise<number>>();

  private constructor(
    private readonly db: Db,
    private readonly ids: Map<string, number>,
  ) {}

  static async load(db: Db): Promise<SpeciesIds> {
    const local = await localSpecies(db);
    return new SpeciesIds(db, new Map([...local.values()].map((s) => [s.guid, s.id])));
  }

  get(guid: string): number | undefined {
    return this.ids.get(guid);
  }

  async resolve(guid: string, names: { scientificName: string | null; commonName: string | null }): Promise<number> {
    const known = this.ids.get(guid);
    if (known !== undefined) return known;
    let p = this.pending.get(guid);
    if (!p) {
      p = this.create(guid, names);
      this.pending.set(guid, p);
    }
    return p;
  }

  private async create(guid: string, names: { scientificName: string | null; commonName: string | null }): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      `WITH ins AS (
         INSERT INTO species (guid, scientific_name, common_name) VALUES ($1, $2, $3)
         ON CONFLICT (guid) DO NOTHING RETURNING id
       )
       SELECT id FROM ins UNION ALL SELECT id FROM species WHERE guid = $1`,
      [guid, names.scientificName ?? guid, names.commonName],
    );
    const id = rows[0].id;
    this.ids.set(guid, id);
    log.info({ guid, id }, "species first seen in records");
    return id;
  }
}
