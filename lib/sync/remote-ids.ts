/**
 * Reconciliation's id lists read through offline downloads, kept in `sync_remote_ids` rather than
 * in memory (lib/sync/reconcile.ts compares them with the local ids in SQL): the list of a species
 * of a million records would otherwise be a million strings in the importer's heap.
 */
import type pg from "pg";
import { ID_COLUMNS } from "@/lib/ala/download-columns";
import { readDownload } from "@/lib/ala/download-zip";
import { normaliseSpeciesGuid, normaliseUuid } from "@/lib/ala/normalise";

/** Stores the ids of these species in an id-list download's zip (a zip read twice stores each once). */
export async function storeRemoteIds(db: pg.Pool, runId: number, file: string, species: ReadonlySet<string>): Promise<void> {
  for await (const batch of readDownload(file, { columns: ID_COLUMNS })) {
    const guids: string[] = [];
    const ids: string[] = [];
    for (const r of batch.records) {
      const guid = normaliseSpeciesGuid(r.speciesID ?? r.speciesGuid);
      // An id that is not a UUID can never be stored locally: nothing to compare (as by search).
      const id = normaliseUuid(r.uuid);
      if (guid && id && species.has(guid)) {
        guids.push(guid);
        ids.push(id);
      }
    }
    if (!ids.length) continue;
    await db.query(
      `INSERT INTO sync_remote_ids (run_id, species_guid, source_id) SELECT $1, unnest($2::text[]), unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [runId, guids, ids],
    );
  }
}

/** Forgets the run's id lists (of these species only, when given: before they are read again). */
export async function clearRemoteIds(db: pg.Pool, runId: number, species?: readonly string[]): Promise<void> {
  await db.query(`DELETE FROM sync_remote_ids WHERE run_id = $1 AND ($2::text[] IS NULL OR species_guid = ANY ($2::text[]))`, [runId, species ?? null]);
}
