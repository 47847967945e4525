/**
 * One run per source at a time, held for the whole run — while a GBIF run waits for its download
 * (before it takes the sync lock) as much as while it imports. A session-level advisory lock on
 * its own connection (lib/sync/lock.ts), so a process that dies lets go of it: a source_runs row
 * still `waiting` or `running` whose source's lock nobody holds was left by a stopped process.
 */
import type { SyncLock } from "@/lib/sync/lock";
import { tryAcquireAdvisoryLock } from "@/lib/sync/lock";

/** The lock's first key (any constant of Edgar's own); the second is the source's id. */
export const SOURCE_LOCK_CLASS = 7_317_003;

export function tryAcquireSourceLock(databaseUrl: string, sourceId: number): Promise<SyncLock | null> {
  return tryAcquireAdvisoryLock(databaseUrl, [SOURCE_LOCK_CLASS, sourceId], "edgar-source-lock");
}

/**
 * SQL: whether some session holds the run lock of the source whose id is `idSql`. A two-integer
 * advisory key shows in pg_locks as classid = the first, objid = the second, objsubid = 2.
 */
export function sourceLockHeldSql(idSql: string): string {
  return `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = ${SOURCE_LOCK_CLASS} AND objid = (${idSql})::int::oid AND objsubid = 2)`;
}
