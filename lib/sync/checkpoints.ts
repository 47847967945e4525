/**
 * Per-species checkpoints of a run (sync_run_species): a species is `fetched` once its changes
 * are committed and `reconciled` once its counts were checked. A resumed run skips both.
 */
import type pg from "pg";

type Db = pg.Pool | pg.PoolClient;
export type CheckpointState = "pending" | "fetched" | "reconciled";

export async function addCheckpoints(db: Db, runId: number, species: readonly { guid: string; count: number }[]): Promise<void> {
  if (!species.length) return;
  await db.query(
    `INSERT INTO sync_run_species (run_id, species_guid, remote_count)
     SELECT $1, guid, n FROM unnest($2::text[], $3::int[]) AS s(guid, n)
     ON CONFLICT (run_id, species_guid) DO NOTHING`,
    [runId, species.map((s) => s.guid), species.map((s) => s.count)],
  );
}

export async function checkpointStates(db: Db, runId: number): Promise<Map<string, CheckpointState>> {
  const { rows } = await db.query<{ species_guid: string; state: CheckpointState }>(
    "SELECT species_guid, state FROM sync_run_species WHERE run_id = $1",
    [runId],
  );
  return new Map(rows.map((r) => [r.species_guid, r.state]));
}

export async function markFetched(db: Db, runId: number, guid: string): Promise<void> {
  await db.query(
    `INSERT INTO sync_run_species (run_id, species_guid, state, done_at) VALUES ($1, $2, 'fetched', now())
     ON CONFLICT (run_id, species_guid) DO UPDATE SET state = 'fetched', done_at = now()
     WHERE sync_run_species.state = 'pending'`,
    [runId, guid],
  );
}

export async function markReconciled(db: Db, runId: number, guid: string, counts: { remote: number; local: number }): Promise<void> {
  await db.query(
    `INSERT INTO sync_run_species (run_id, species_guid, remote_count, local_count, state, done_at)
     VALUES ($1, $2, $3, $4, 'reconciled', now())
     ON CONFLICT (run_id, species_guid) DO UPDATE SET state = 'reconciled', remote_count = $3, local_count = $4, done_at = now()`,
    [runId, guid, counts.remote, counts.local],
  );
}

/** Counts of species that needed no reconciliation, in one statement. */
export async function markAllReconciled(db: Db, runId: number, rows: readonly { guid: string; remote: number; local: number }[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `INSERT INTO sync_run_species (run_id, species_guid, remote_count, local_count, state, done_at)
     SELECT $1, guid, r, l, 'reconciled', now() FROM unnest($2::text[], $3::int[], $4::int[]) AS s(guid, r, l)
     ON CONFLICT (run_id, species_guid) DO UPDATE SET state = 'reconciled', remote_count = EXCLUDED.remote_count,
       local_count = EXCLUDED.local_count, done_at = now()`,
    [runId, rows.map((r) => r.guid), rows.map((r) => r.remote), rows.map((r) => r.local)],
  );
}
