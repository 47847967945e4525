/**
 * Keeps species counts and data versions in step with the records as the run goes: species
 * touched by committed batches are collected and refreshed at each checkpoint (serially, so two
 * refreshes never lock species rows in different orders). Cross-source duplicates are re-decided
 * and species with live vettings re-classified first.
 */
import type pg from "pg";
import { refreshSpeciesStats } from "@/lib/species/stats";
import { markCrossSourceDuplicates } from "@/lib/sources/duplicates";
import { applyVettings } from "@/lib/vetting/apply";

export class SpeciesRefresher {
  private pending = new Set<number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly pool: pg.Pool) {}

  add(ids: Iterable<number>): void {
    for (const id of ids) this.pending.add(id);
  }

  /** Refreshes everything added so far; resolves when done. */
  refresh(): Promise<void> {
    const run = this.chain.then(async () => {
      const ids = [...this.pending];
      this.pending = new Set();
      if (!ids.length) return;
      await markCrossSourceDuplicates(this.pool, ids);
      await reclassifyVetted(this.pool, ids);
      await refreshSpeciesStats(this.pool, ids, { bumpVersion: true, syncedAt: new Date() });
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/**
 * THE call site of vetting re-classification during a sync: species with live vettings, and
 * species with stored states (which a record that moved in may find stale).
 */
export async function reclassifyVetted(pool: pg.Pool, speciesIds: readonly number[] | null): Promise<void> {
  const { rows } = await pool.query<{ species_id: number }>(
    `SELECT species_id FROM vettings WHERE deleted_at IS NULL AND ($1::int[] IS NULL OR species_id = ANY($1))
     UNION
     SELECT species_id FROM classification_states WHERE $1::int[] IS NULL OR species_id = ANY($1)`,
    [speciesIds],
  );
  for (const r of rows) await applyVettings(pool, r.species_id, { full: true });
}
