import type pg from "pg";
import { bboxOf } from "@/lib/geometry/bbox";
import type { Area } from "@/lib/geometry/point-in-area";
import { refreshSpeciesStats } from "@/lib/species/stats";
import { classify, type LiveVetting } from "./classify";
import { loadCandidates } from "./records";

/** First key of the two-key advisory lock that serialises re-classification per species ('vett'). */
export const VETTING_LOCK_CLASS = 0x76657474;

/**
 * Re-classifies the records of one species from its live vettings and writes back only the rows
 * whose classification or contentious flag changed; when anything changed, refreshes the species'
 * counts and bumps its data_version (which invalidates its tiles).
 *
 * Idempotent, serialised per species (advisory lock) and safe to run for different species at
 * once. With a pool it runs in a transaction of its own; with a client already inside a
 * transaction it works in a savepoint and the caller's commit decides.
 */
export async function applyVettings(db: pg.Pool | pg.PoolClient, speciesId: number): Promise<{ changed: number }> {
  const client = isPoolClient(db) ? db : await db.connect();
  try {
    return await inTransaction(client, async () => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [VETTING_LOCK_CLASS, speciesId]);
      const vettings = await loadLiveVettings(client, speciesId);
      const stored = await loadCandidates(client, speciesId, vettings.map((v) => bboxOf(v.area)));
      const next = classify(stored, vettings);

      const n = stored.id.length;
      const changedAt = new Int32Array(n);
      let changed = 0;
      for (let i = 0; i < n; i++) {
        if (next.classification[i] !== stored.classification[i] || next.contentious[i] !== stored.contentious[i]) {
          changedAt[changed++] = i;
        }
      }
      // Counts and version move only with classifications: a run that changes nothing writes nothing
      // (recounting a million records would be most of its time).
      if (changed > 0) {
        await writeChanges(client, speciesId, stored.id, next, changedAt.subarray(0, changed));
        await refreshSpeciesStats(client, [speciesId], { bumpVersion: true });
      }
      return { changed };
    });
  } finally {
    if (client !== db) client.release();
  }
}

function isPoolClient(db: pg.Pool | pg.PoolClient): db is pg.PoolClient {
  return typeof (db as pg.PoolClient).release === "function";
}

async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  let nested = true;
  try {
    await client.query("SAVEPOINT apply_vettings");
  } catch (err) {
    // 25P01 no_active_sql_transaction: the client is idle, so this call owns the transaction.
    if ((err as { code?: string }).code !== "25P01") throw err;
    nested = false;
    await client.query("BEGIN");
  }
  try {
    const result = await work();
    await client.query(nested ? "RELEASE SAVEPOINT apply_vettings" : "COMMIT");
    return result;
  } catch (err) {
    await client.query(nested ? "ROLLBACK TO SAVEPOINT apply_vettings" : "ROLLBACK").catch(() => {});
    throw err;
  }
}

async function loadLiveVettings(client: pg.PoolClient, speciesId: number): Promise<LiveVetting[]> {
  const { rows } = await client.query<{ id: number; author_id: string; classification: number; area: Area; updated_at: Date }>(
    "SELECT id, author_id, classification, area, updated_at FROM vettings WHERE species_id = $1 AND deleted_at IS NULL",
    [speciesId],
  );
  return rows.map((r) => ({
    id: r.id,
    authorId: r.author_id,
    classification: r.classification,
    area: r.area,
    updatedAt: r.updated_at,
  }));
}

/** One UPDATE joined to three arrays: a single round trip however many rows changed. */
async function writeChanges(
  client: pg.PoolClient,
  speciesId: number,
  ids: Int32Array,
  next: { classification: Uint8Array; contentious: Uint8Array },
  at: Int32Array,
): Promise<void> {
  const idList = new Array<number>(at.length);
  const classList = new Array<number>(at.length);
  const flagList = new Array<string>(at.length);
  for (let k = 0; k < at.length; k++) {
    const i = at[k];
    idList[k] = ids[i];
    classList[k] = next.classification[i];
    flagList[k] = next.contentious[i] ? "t" : "f";
  }
  // Array literals built here: pg would otherwise format a million parameters one by one. The
  // species condition lets the join read only the species' rows instead of hashing the table.
  await client.query(
    `UPDATE occurrences o SET classification = c.classification, contentious = c.contentious
       FROM unnest($1::int[], $2::int2[], $3::bool[]) AS c(id, classification, contentious)
      WHERE o.id = c.id AND o.species_id = $4`,
    [`{${idList.join(",")}}`, `{${classList.join(",")}}`, `{${flagList.join(",")}}`, speciesId],
  );
}
