/** Where a topic stands now: the first message of a stream that cannot be replayed what it missed. */
import { pool } from "@/lib/db/pool";
import { VETTINGS_VERSION_SQL } from "@/lib/species/detail";
import type { Snapshot } from "./types";

/** The species' versions, or null when there is no such species. */
export async function speciesSnapshot(speciesId: number): Promise<Snapshot | null> {
  const { rows } = await pool().query(
    `SELECT s.data_version, EXISTS (SELECT 1 FROM vetting_changes c WHERE c.species_id = s.id) AS reclassifying,
            ${VETTINGS_VERSION_SQL} AS vettings_version
       FROM species s WHERE s.id = $1`,
    [speciesId],
  );
  const r = rows[0];
  if (!r) return null;
  return { type: "snapshot", topic: `species:${speciesId}`, speciesId, dataVersion: r.data_version, vettingsVersion: r.vettings_version, reclassifying: r.reclassifying };
}

/** The active (queued or running) sync run, if any. */
export async function syncSnapshot(): Promise<Snapshot> {
  const { rows } = await pool().query(`SELECT id, status FROM sync_runs WHERE status IN ('queued', 'running') ORDER BY id DESC LIMIT 1`);
  return { type: "snapshot", topic: "admin:sync", run: rows[0] ? { runId: rows[0].id, status: rows[0].status } : null };
}
