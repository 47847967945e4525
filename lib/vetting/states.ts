import type pg from "pg";

/**
 * What vettings decided about each record, stored packed per species (classification_states):
 * one byte per record id, 2048 ids to a chunk row. A byte is 0 when no live vetting covers the
 * record (its rating stands), otherwise classification * 2 + contentious. Readers never see the
 * bytes: the classified_occurrences view turns them back into the two columns.
 */
export const CHUNK_BITS = 11;
export const CHUNK_SIZE = 1 << CHUNK_BITS;

/** A species' chunks by chunk number (id >> CHUNK_BITS). */
export type States = Map<number, Uint8Array>;

/** The byte for a record: 0 while the rating stands (no vetting made it known or contentious). */
export function encodeState(classification: number, contentious: number, rating: number): number {
  return classification === rating && contentious === 0 ? 0 : classification * 2 + contentious;
}

/** A record's classification from its byte and rating, as the classified_occurrences view gives it. */
export function classificationOf(state: number, rating: number): number {
  return state === 0 ? rating : state >> 1;
}

/** 1 when the byte marks the record contentious, else 0. */
export function contentiousOf(state: number): number {
  return state & 1;
}

export function stateOf(states: States, id: number): number {
  return states.get(id >> CHUNK_BITS)?.[id & (CHUNK_SIZE - 1)] ?? 0;
}

/** Sets one record's byte, creating its chunk when needed; returns the chunk number. */
export function setState(states: States, id: number, state: number): number {
  const chunk = id >> CHUNK_BITS;
  let bytes = states.get(chunk);
  if (!bytes) {
    if (state === 0) return chunk;
    bytes = new Uint8Array(CHUNK_SIZE);
    states.set(chunk, bytes);
  }
  bytes[id & (CHUNK_SIZE - 1)] = state;
  return chunk;
}

/** The chunks whose bytes differ between two versions of a species' states. */
export function differingChunks(before: States, after: States): number[] {
  const out: number[] = [];
  const zero = new Uint8Array(CHUNK_SIZE);
  for (const chunk of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(chunk) ?? zero;
    const b = after.get(chunk) ?? zero;
    if (!Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)) out.push(chunk);
  }
  return out;
}

export async function readStates(client: pg.ClientBase | pg.Pool, speciesId: number): Promise<States> {
  const { rows } = await client.query<{ chunk: number; states: Buffer }>(
    "SELECT chunk, states FROM classification_states WHERE species_id = $1",
    [speciesId],
  );
  return new Map(rows.map((r) => [r.chunk, new Uint8Array(r.states.buffer, r.states.byteOffset, r.states.byteLength)]));
}

/**
 * Stores the given chunks as `states` has them, in two statements whatever their number: a chunk
 * with any non-zero byte is written, one that is all zeros or absent is deleted (a species nobody
 * vets any more keeps no rows).
 */
export async function writeStates(client: pg.ClientBase | pg.Pool, speciesId: number, states: States, chunks: Iterable<number>): Promise<void> {
  const keep: number[] = [];
  const bytes: Buffer[] = [];
  const drop: number[] = [];
  for (const chunk of new Set(chunks)) {
    const s = states.get(chunk);
    if (s && s.some((b) => b !== 0)) {
      keep.push(chunk);
      bytes.push(Buffer.from(s.buffer, s.byteOffset, s.byteLength));
    } else {
      drop.push(chunk);
    }
  }
  if (keep.length > 0) {
    await client.query(
      `INSERT INTO classification_states (species_id, chunk, states)
       SELECT $1, chunk, states FROM unnest($2::int[], $3::bytea[]) AS c(chunk, states)
       ON CONFLICT (species_id, chunk) DO UPDATE SET states = EXCLUDED.states`,
      [speciesId, keep, bytes],
    );
  }
  if (drop.length > 0) {
    await client.query("DELETE FROM classification_states WHERE species_id = $1 AND chunk = ANY($2::int[])", [speciesId, drop]);
  }
}

/** A record with the classification and contentious flag to store for it. */
export interface Classified {
  id: number;
  rating: number;
  classification: number;
  contentious: boolean;
}

/**
 * Stores classifications of some of a species' records as if vettings had decided them: for
 * callers that decide them themselves (fixtures, the bench) rather than through applyVettings.
 */
export async function setClassifications(client: pg.ClientBase | pg.Pool, speciesId: number, records: readonly Classified[]): Promise<void> {
  const states = await readStates(client, speciesId);
  const dirty = records.map((r) => setState(states, r.id, encodeState(r.classification, r.contentious ? 1 : 0, r.rating)));
  await writeStates(client, speciesId, states, dirty);
}
