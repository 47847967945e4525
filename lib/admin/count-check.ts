/**
 * The count check of a run (sync step 8): per species, the ALA's count of relevant records against
 * the local count, from the run's sync_run_species rows. Species that differ come first.
 */
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { idParamSchema } from "@/lib/http/ids";
import { HttpError } from "@/lib/http/respond";
import { findRun, type AdminSyncRun } from "./sync";

/** A run id (plain digits, lib/http/ids.ts), or `latest`: the newest finished run that reached the count check. */
export const runRefSchema = z.union([z.literal("latest"), idParamSchema("must be a run id")], {
  error: 'must be a run id or "latest"',
});
export type RunRef = z.infer<typeof runRefSchema>;

/** `mismatched`: checked and different; `unchecked`: the run stopped before checking it. */
export type CountStatus = "mismatched" | "unchecked" | "matching";

export interface SpeciesCount {
  guid: string;
  speciesId: number | null;
  scientificName: string | null;
  commonName: string | null;
  /** Null until checked: before the check a row only holds the records changed since the last import. */
  remoteCount: number | null;
  localCount: number | null;
  /** localCount − remoteCount. */
  difference: number | null;
  status: CountStatus;
}

export interface CountCheck {
  /** Null when no run has reached the count check yet. */
  run: AdminSyncRun | null;
  summary: { species: number; matching: number; mismatched: number; unchecked: number };
  species: SpeciesCount[];
}

async function latestCheckedRunId(): Promise<number | null> {
  const { rows } = await pool().query<{ id: number }>(
    `SELECT r.id FROM sync_runs r
      WHERE r.status IN ('succeeded', 'failed') AND r.source_id = 1
        AND EXISTS (SELECT 1 FROM sync_run_species c WHERE c.run_id = r.id AND c.state = 'reconciled')
      ORDER BY r.id DESC LIMIT 1`,
  );
  return rows[0]?.id ?? null;
}

export async function countCheck(ref: RunRef): Promise<CountCheck> {
  const runId = ref === "latest" ? await latestCheckedRunId() : ref;
  const run = runId === null ? null : await findRun(runId);
  if (ref !== "latest" && !run) throw new HttpError(404, "unknown_run", `There is no sync run ${ref}.`);
  if (!run) return { run: null, summary: { species: 0, matching: 0, mismatched: 0, unchecked: 0 }, species: [] };

  const { rows } = await pool().query<SpeciesCount>(
    `WITH c AS (
       SELECT c.species_guid,
              CASE WHEN c.state = 'reconciled' THEN c.remote_count END AS remote_count,
              CASE WHEN c.state = 'reconciled' THEN c.local_count END AS local_count
         FROM sync_run_species c WHERE c.run_id = $1
     ), rated AS (
       SELECT c.*, c.local_count - c.remote_count AS difference,
              CASE WHEN c.remote_count IS NULL OR c.local_count IS NULL THEN 'unchecked'
                   WHEN c.remote_count <> c.local_count THEN 'mismatched'
                   ELSE 'matching' END AS status
         FROM c
     )
     SELECT r.species_guid AS guid, s.id AS "speciesId", s.scientific_name AS "scientificName", s.common_name AS "commonName",
            r.remote_count AS "remoteCount", r.local_count AS "localCount", r.difference, r.status
       FROM rated r LEFT JOIN species s ON s.guid = r.species_guid
      ORDER BY CASE r.status WHEN 'mismatched' THEN 0 WHEN 'unchecked' THEN 1 ELSE 2 END,
               abs(r.difference) DESC NULLS LAST, s.scientific_name NULLS LAST, r.species_guid`,
    [run.id],
  );
  const count = (status: CountStatus) => rows.filter((r) => r.status === status).length;
  return {
    run,
    summary: { species: rows.length, matching: count("matching"), mismatched: count("mismatched"), unchecked: count("unchecked") },
    species: rows,
  };
}
