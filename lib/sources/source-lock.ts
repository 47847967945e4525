/**
 * One run per source at a time, held for the whole run — while a GBIF run waits for its download
 * (before it takes the sync lock) as much as while it imports. A session-level advisory lock on
 * its own connection (lib/sync/lock.ts), so a process that dies lets go of it: a source_runs row
 * still `waiting` or `running` whose source's lock nobody holds was left by a stopped process.
 */
import type { SyncLock } from "@/lib/sync/lock";
import { advisoryLockHeldSql, tryAcquireAdvisoryLock } from "@/lib/sync/lock";

/** The lock's first key (any constant of Edgar's own); the second is the source's id. */
const SOURCE_LOCK_CLASS = 7_317_003;

export function tryAcquireSourceLock(databaseUrl: string, sourceId: number): Promise<SyncLock | null> {
  return tryAcquireAdvisoryLock(databaseUrl, [SOURCE_LOCK_CLASS, sourceId], "edgar-source-lock");
}

/** SQL: whether some session holds the run lock of the source whose id is `idSql`. */
export function sourceLockHeldSql(idSql: string): string {
  return advisoryLockHeldSql(String(SOURCE_LOCK_CLASS), `(${idSql})::int::oid`, 2);
}
