import type pg from "pg";
import { CLASSIFICATIONS, classificationCode } from "@/lib/domain/codes";
import { bboxesIntersect, bboxOf, type BBox } from "@/lib/geometry/bbox";
import type { Area } from "@/lib/geometry/point-in-area";
import { adjustSpeciesCounts, type CountDelta } from "@/lib/species/stats";
import { classifier, type Classification, type LiveVetting, type SpeciesRecords } from "./classify";
import { candidateBatches } from "./records";
import { CHUNK_BITS, classificationOf, contentiousOf, differingChunks, encodeState, readStates, setState, stateOf, writeStates, type States } from "./states";

/** First key of the two-key advisory lock that serialises re-classification per species ('vett'). */
export const VETTING_LOCK_CLASS = 0x76657474;

/** More queued boxes than this and one pass over every record of the species is cheaper than the OR list. */
const MAX_CHANGED_BOXES = 64;

export interface ApplyOptions {
  /**
   * Re-test every record of the species, not only those inside the boxes the vettings trigger
   * queued: for records that changed under the vettings (a sync).
   */
  full?: boolean;
}

/**
 * Re-classifies the records of one species from its live vettings and stores what changed in its
 * packed states (lib/vetting/states.ts): a handful of 2 KB chunk rows, however many records
 * changed. When anything changed, moves the species' counts by the difference and bumps its
 * data_version (which invalidates its tiles).
 *
 * By default only records inside the boxes queued in vetting_changes (the old and new extent of
 * every vetting created, changed or deleted since the last run) are read: nothing outside them
 * can have changed. The queue is consumed in the same transaction, so a failed run leaves it for
 * the retry. A full run reads every record of the species and writes its states afresh.
 *
 * Idempotent, serialised per species (advisory lock) and safe to run for different species at
 * once. With a pool it runs in a transaction of its own; with a client already inside a
 * transaction it works in a savepoint and the caller's commit decides.
 */
export async function applyVettings(
  db: pg.Pool | pg.PoolClient,
  speciesId: number,
  options: ApplyOptions = {},
): Promise<{ changed: number }> {
  const client = isPoolClient(db) ? db : await db.connect();
  try {
    return await inTransaction(client, async () => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [VETTING_LOCK_CLASS, speciesId]);
      const queued = await takeQueuedBoxes(client, speciesId);
      const full = options.full === true || queued.length > MAX_CHANGED_BOXES;
      if (!full && queued.length === 0) return { changed: 0 };

      const live = await loadLiveVettings(client, speciesId);
      const vettings = full ? live : live.filter((v) => queued.some((box) => bboxesIntersect(bboxOf(v.area), box)));
      const decide = classifier(vettings);
      const states = await readStates(client, speciesId);
      // A full run writes every chunk afresh, so bytes of records that left the species go too.
      const changes = new Changes(states, full ? new Map() : states);
      for await (const batch of candidateBatches(client, speciesId, full ? null : queued)) changes.add(batch, decide(batch));
      await writeStates(client, speciesId, changes.target, full ? differingChunks(states, changes.target) : changes.dirty);
      // Counts and version move only with classifications.
      if (changes.count > 0) await adjustSpeciesCounts(client, speciesId, changes.delta(), { bumpVersion: true });
      return { changed: changes.count };
    });
  } finally {
    if (client !== db) client.release();
  }
}

/** Consumes the species' queued change boxes (the trigger on vettings writes them). */
async function takeQueuedBoxes(client: pg.PoolClient, speciesId: number): Promise<BBox[]> {
  const { rows } = await client.query<{ b: BBox }>(
    "DELETE FROM vetting_changes WHERE species_id = $1 RETURNING ARRAY[min_lon, min_lat, max_lon, max_lat] AS b",
    [speciesId],
  );
  return rows.map((r) => r.b);
}

/**
 * What a run changes, batch by batch: the records whose classification or contentious flag
 * differ from what `before` says, what that does to the species' counts, the new bytes in
 * `target` (every record's in a full run, whose target starts empty; the changed ones' otherwise,
 * where target is `before` itself: each record's byte is read before it is written) and the
 * chunks they are in.
 */
class Changes {
  count = 0;
  readonly dirty = new Set<number>();
  private readonly byCode = new Int32Array(CLASSIFICATIONS.length + 1);
  private contentious = 0;

  constructor(
    private readonly before: States,
    readonly target: States,
  ) {}

  add(records: SpeciesRecords, next: Classification): void {
    const rewrite = this.target !== this.before;
    for (let i = 0; i < records.id.length; i++) {
      const id = records.id[i];
      const state = stateOf(this.before, id);
      const was = classificationOf(state, records.rating[i]);
      const wasContentious = contentiousOf(state);
      const same = next.classification[i] === was && next.contentious[i] === wasContentious;
      if (rewrite || !same) setState(this.target, id, encodeState(next.classification[i], next.contentious[i], records.rating[i]));
      if (same) continue;
      this.count++;
      this.dirty.add(id >> CHUNK_BITS);
      this.byCode[was]--;
      this.byCode[next.classification[i]]++;
      this.contentious += next.contentious[i] - wasContentious;
    }
  }

  delta(): CountDelta {
    const c = classificationCode;
    return {
      knownValid: this.byCode[c.known_valid],
      assumedValid: this.byCode[c.assumed_valid],
      assumedInvalid: this.byCode[c.assumed_invalid],
      knownInvalid: this.byCode[c.known_invalid],
      contentious: this.contentious,
    };
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
