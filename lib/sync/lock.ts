/**
 * The sync's cross-process lock: a session-level PostgreSQL advisory lock held on a dedicated
 * connection for the whole run. When the process dies its connection closes and PostgreSQL
 * releases the lock, so "row says running but nobody holds the lock" means "interrupted".
 */
import pg from "pg";

/** Any constant; it only has to be the same in every Edgar process (migrate uses 7_317_001). */
export const SYNC_LOCK_KEY = 7_317_002;

export interface SyncLock {
  /**
   * Aborts when the lock's connection is lost (a database restart ends every session): the run no
   * longer holds the lock, and another process may resume it, so it must stop at its next safe point.
   */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** Takes the lock without waiting; null when another process (or run) holds it. */
export function tryAcquireSyncLock(databaseUrl: string): Promise<SyncLock | null> {
  return tryAcquireAdvisoryLock(databaseUrl, [SYNC_LOCK_KEY], "edgar-sync-lock");
}

/**
 * A session-level advisory lock on its own connection, as the sync lock is: `[key]` (one bigint)
 * or `[class, id]` (two integers, e.g. one lock per source). Null when another session holds it.
 */
export async function tryAcquireAdvisoryLock(databaseUrl: string, key: [number] | [number, number], applicationName: string): Promise<SyncLock | null> {
  const args = key.map((_, i) => `$${i + 1}`).join(", ");
  const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
  await client.connect();
  const lost = new AbortController();
  let released = false;
  const onLost = () => {
    // "the sync lock's …", "the source lock's …": the run's error names which.
    if (!released) lost.abort(new Error(`the ${applicationName.replace(/^edgar-/, "").replace("-", " ")}'s database connection was lost`));
  };
  // A lost connection must not crash the process; the run hears of it through `lost`.
  client.on("error", onLost);
  client.on("end", onLost);
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${args}) AS ok`, [...key]);
    if (!rows[0].ok) {
      await client.end();
      return null;
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    lost: lost.signal,
    async release() {
      released = true;
      await client.query(`SELECT pg_advisory_unlock(${args})`, [...key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * SQL: whether some session of this database holds the advisory lock whose key pg_locks shows as
 * these columns. A one-bigint key shows as classid = its high 32 bits, objid = its low 32 bits,
 * objsubid = 1; a two-integer key as classid = the first, objid = the second, objsubid = 2.
 */
export function advisoryLockHeldSql(classidSql: string, objidSql: string, objsubid: 1 | 2): string {
  return `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = ${classidSql} AND objid = ${objidSql} AND objsubid = ${objsubid})`;
}

/** Whether some session holds the sync lock right now (without taking it). */
export async function isSyncLockHeld(db: pg.Pool | pg.PoolClient): Promise<boolean> {
  // The key fits in 32 bits: its high half, classid, is 0.
  const { rows } = await db.query<{ held: boolean }>(`SELECT ${advisoryLockHeldSql("0", "$1", 1)} AS held`, [SYNC_LOCK_KEY]);
  return rows[0].held;
}
