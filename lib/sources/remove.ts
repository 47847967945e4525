import type pg from "pg";
import { refreshSpeciesStats } from "@/lib/species/stats";
import { markCrossSourceDuplicates } from "./duplicates";
import { removeSource } from "./registry";

// Apart from run.ts so that the web's admin routes do not load the sync (and its download thread).
/** Removes a source with its records, then re-decides duplicates and counts of the species they left. */
export async function removeSourceAndRecords(db: pg.Pool, sourceId: number): Promise<{ deleted: number }> {
  const { deleted, species } = await removeSource(db, sourceId);
  await markCrossSourceDuplicates(db, species);
  await refreshSpeciesStats(db, species, { bumpVersion: true });
  return { deleted };
}
