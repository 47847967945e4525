/**
 * Which records count towards a species' range: known valid and assumed valid (contentious ones
 * only when asked), with a position. Known-valid records whose deciding vetting (the most recent
 * live one covering them, as lib/vetting/classify ranks) carries an excluded range qualifier
 * (vagrant and historic by default) stay on the map but are left out here. Sensitive records
 * count at their accurate coordinates where Edgar holds them; the build keeps those out of
 * everything it publishes (publish.ts).
 */
import type pg from "pg";
import { classificationCode, rangeQualifierCode, type RangeQualifier } from "@/lib/domain/codes";
import { copyOut } from "@/lib/db/copy-out";
import { AreaIndex, type Area } from "@/lib/geometry/point-in-area";
import { byRecency } from "@/lib/vetting/classify";
import { classificationOf, contentiousOf, readStates, stateOf } from "@/lib/vetting/states";
import type { CountedRecords } from "./build";
import { float4AsText } from "./float4";
import { positionTable, type PositionTable } from "./points";
import { centreOf } from "./projection";

export interface RecordOptions {
  includeContentious: boolean;
  excludedQualifiers: readonly RangeQualifier[];
}

const KNOWN_VALID = classificationCode.known_valid;
const ASSUMED_VALID = classificationCode.assumed_valid;

export async function countedRecords(db: pg.Pool | pg.PoolClient, speciesId: number, options: RecordOptions, read: ReadOptions = {}): Promise<CountedRecords> {
  return (await countedVariants(db, speciesId, [options], read))[0];
}

export interface ReadOptions {
  /**
   * The species' records_version, read in the same snapshot: given, a large species' records are
   * kept in memory under it, and a later read at the same version (after a vetting) reads only what
   * vettings decided.
   */
  recordsVersion?: number;
  /** Records from which a species is kept (tests lower it). */
  cacheFrom?: number;
}

/**
 * The records that count under each of several options, from one read: the variants with and
 * without contentious records differ only in those, so the species is read once, not twice.
 * Classifications come from the records' ratings and the vettings' packed decisions
 * (lib/vetting/states), read apart: the records themselves do not change with a vetting.
 */
export async function countedVariants(
  db: pg.Pool | pg.PoolClient,
  speciesId: number,
  variants: readonly RecordOptions[],
  { recordsVersion, cacheFrom = CACHE_FROM_RECORDS }: ReadOptions = {},
): Promise<CountedRecords[]> {
  const records = await positionedRecords(db, speciesId, recordsVersion, cacheFrom);
  const states = await readStates(db, speciesId);
  const state = new Uint8Array(records.length);
  for (let i = 0; i < records.length; i++) state[i] = stateOf(states, records.ids[i]);
  // The variants usually leave out the same qualifiers: their vettings are read and indexed once.
  const excluding = new Map<string, Awaited<ReturnType<typeof excludingVettings>>>();
  const out: CountedRecords[] = [];
  const table = tableOf(records);
  for (const options of variants) {
    const key = options.excludedQualifiers.join();
    if (!excluding.has(key)) excluding.set(key, await excludingVettings(db, speciesId, options.excludedQualifiers));
    out.push(select(records, state, options, excluding.get(key)!, table));
  }
  return out;
}

const tables = new WeakMap<PositionedRecords, PositionTable>();

/**
 * The species' distinct positions and which one each record holds, in one projection for every
 * variant and every vetting: centred on the species' positioned records as rated at import,
 * whatever vettings say (frameCentre; each record once: finding distinct positions first cost four
 * times as long over a million records). The frame then holds still while experts vet, so the hull thread can change
 * its last triangulation instead of making a new one (mesh-update.ts), and a figure changes only
 * because the records that count did. Made once and kept with the records it came from, so a
 * variant's points are counted, not looked up and projected again.
 */
function tableOf(records: PositionedRecords): PositionTable {
  let table = tables.get(records);
  if (!table) tables.set(records, (table = positionTable(records.lon, records.lat, frameCentre(records))));
  return table;
}

/**
 * The centre of the records rated assumed valid at import (all of them when none is): the ALA's
 * flagged positions (out of range, zero, centres of states) stay out of it, and a vetting, which
 * changes no rating, does not move it.
 */
function frameCentre(records: PositionedRecords): { lon: number; lat: number } | undefined {
  let valid = 0;
  for (let i = 0; i < records.length; i++) if (records.rating[i] === ASSUMED_VALID) valid++;
  if (valid === 0) return records.length > 0 ? centreOf(records.lon, records.lat) : undefined;
  const lon = new Float64Array(valid);
  const lat = new Float64Array(valid);
  for (let i = 0, k = 0; i < records.length; i++) {
    if (records.rating[i] !== ASSUMED_VALID) continue;
    lon[k] = records.lon[i];
    lat[k++] = records.lat[i];
  }
  return centreOf(lon, lat);
}

/** Every record of the species with a position, as stored; the figures' position is the accurate one where held. */
interface PositionedRecords {
  length: number;
  lon: Float64Array;
  lat: Float64Array;
  publicLon: Float64Array;
  publicLat: Float64Array;
  accurate: Uint8Array;
  ids: Float64Array;
  rating: Uint8Array;
}

/** Species with fewer records are read again each time: that takes milliseconds. */
export const CACHE_FROM_RECORDS = 100_000;
/** At most this many records kept, over all species (about 44 bytes each, and their position table: 4 more, and 32 a distinct position). */
const CACHE_RECORDS = 3_000_000;
/** By species, least recently used first. Never modified: select copies what it takes. */
const kept = new Map<number, { recordsVersion: number; records: PositionedRecords }>();

async function positionedRecords(db: pg.Pool | pg.PoolClient, speciesId: number, recordsVersion: number | undefined, cacheFrom: number): Promise<PositionedRecords> {
  if (recordsVersion === undefined) return readPositioned(db, speciesId);
  const hit = kept.get(speciesId);
  kept.delete(speciesId);
  if (hit?.recordsVersion === recordsVersion) {
    kept.set(speciesId, hit);
    return hit.records;
  }
  const records = await readPositioned(db, speciesId);
  if (records.length >= cacheFrom && records.length <= CACHE_RECORDS) {
    kept.set(speciesId, { recordsVersion, records });
    let total = 0;
    for (const k of kept.values()) total += k.records.length;
    for (const [id, k] of kept) {
      if (total <= CACHE_RECORDS) break;
      kept.delete(id);
      total -= k.records.length;
    }
  }
  return records;
}

/** Binary COPY header: signature, flags, extension length. */
const HEADER_BYTES = 19;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const COLUMNS = 6;

/**
 * One binary COPY into typed arrays. Over a million records the text protocol's per-row arrays and
 * strings took about 2 s of CPU and most of the garbage collector's work (profiled); this parses
 * the bytes directly, each chunk as it comes, so the parsing overlaps PostgreSQL's scan instead of
 * following it. COPY takes no bind parameters: the id is checked to be an integer. The
 * records are read from the table, not through the classified_occurrences view: its join to the
 * packed decisions cost PostgreSQL a lookup a row, and the decisions are read apart anyway.
 */
async function readPositioned(db: pg.Pool | pg.PoolClient, speciesId: number): Promise<PositionedRecords> {
  if (!Number.isSafeInteger(speciesId)) throw new Error(`species id must be an integer, got ${speciesId}`);
  const sql = `COPY (SELECT o.lon, o.lat, sc.lon, sc.lat, o.id, o.rating::int2
                 FROM occurrences o
                 LEFT JOIN sensitive_coordinates sc ON o.sensitive AND sc.occurrence_id = o.id
                WHERE o.species_id = ${speciesId} AND o.lat IS NOT NULL AND o.lon IS NOT NULL)
               TO STDOUT (FORMAT binary)`;
  const client = "release" in db ? db : await db.connect();
  const parser = new PositionedParser();
  // A stream that will not parse is still read to its end: left mid-COPY, the connection would hang its next query.
  let failure: unknown;
  try {
    for await (const chunk of client.query(copyOut(sql))) {
      if (failure !== undefined) continue;
      try {
        parser.push(chunk as Buffer);
      } catch (err) {
        failure = err;
      }
    }
  } finally {
    if (client !== db) (client as pg.PoolClient).release();
  }
  if (failure !== undefined) throw failure;
  return parser.end();
}

/** The shortest row: field count, six lengths, two float4s, two NULLs, int4 and int2. */
const SHORTEST_ROW = 2 + COLUMNS * 4 + 4 + 4 + 4 + 2;

/** Parses a binary COPY of the positioned records from chunks cut anywhere. */
export class PositionedParser {
  private out: PositionedRecords = emptyRecords(1 << 14);
  /** Bytes of a row (or of the header) not yet whole. */
  private rest: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private ended = false;

  push(chunk: Buffer): void {
    // Nothing follows the trailer.
    if (this.ended) return;
    const buffer = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let p = 0;
    if (!this.headerRead) {
      if (buffer.length < HEADER_BYTES) return void (this.rest = Buffer.from(buffer));
      if (!buffer.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
      const extension = buffer.readInt32BE(15);
      if (buffer.length < HEADER_BYTES + extension) return void (this.rest = Buffer.from(buffer));
      p = HEADER_BYTES + extension;
      this.headerRead = true;
    }
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.reserve(Math.ceil((buffer.length - p) / SHORTEST_ROW));
    const out = this.out;
    let n = out.length;
    while (p + 2 <= buffer.length) {
      const fields = view.getInt16(p);
      if (fields === -1) {
        this.ended = true;
        p += 2;
        break;
      }
      if (fields !== COLUMNS) throw new Error(`expected ${COLUMNS} columns in a COPY row, got ${fields}`);
      // Whole only when every field is here: an accurate coordinate may be NULL (a length, no bytes).
      if (p + 22 > buffer.length) break;
      const second = p + 18 + (view.getInt32(p + 18) < 0 ? 4 : 12);
      if (second + 4 > buffer.length) break;
      const end = second + (view.getInt32(second) < 0 ? 4 : 12) + 14;
      if (end > buffer.length) break;
      // Both or neither are held: the join gives both columns or none.
      const held = view.getInt32(p + 18) >= 0 && view.getInt32(second) >= 0;
      const pLon = float4AsText(view.getFloat32(p + 6));
      const pLat = float4AsText(view.getFloat32(p + 14));
      out.publicLon[n] = pLon;
      out.publicLat[n] = pLat;
      if (held) {
        out.lon[n] = view.getFloat64(p + 22);
        out.lat[n] = view.getFloat64(p + 34);
        out.accurate[n] = 1;
      } else {
        out.lon[n] = pLon;
        out.lat[n] = pLat;
      }
      out.ids[n] = view.getInt32(end - 10);
      out.rating[n] = view.getInt16(end - 2);
      p = end;
      n++;
    }
    out.length = n;
    // Copied, so that the rest of a row does not keep its whole chunk alive.
    this.rest = Buffer.from(buffer.subarray(p));
  }

  /** The records, in arrays of their own length: the doubling's spare room is not kept (nor cached). */
  end(): PositionedRecords {
    if (!this.ended) throw new Error(this.headerRead ? "the binary COPY stream ended before its trailer" : "not a binary COPY stream");
    return this.out.lon.length === this.out.length ? this.out : resized(this.out, this.out.length);
  }

  /** Room for `more` rows: doubled when short, so a million rows cost a few copies. */
  private reserve(more: number): void {
    const out = this.out;
    if (out.length + more > out.lon.length) this.out = resized(out, Math.max(out.lon.length * 2, out.length + more));
  }
}

/** The records in arrays of `capacity` rows. */
function resized(records: PositionedRecords, capacity: number): PositionedRecords {
  const out = emptyRecords(capacity);
  for (const key of ["lon", "lat", "publicLon", "publicLat", "accurate", "ids", "rating"] as const) out[key].set(records[key].subarray(0, records.length));
  out.length = records.length;
  return out;
}

function emptyRecords(capacity: number): PositionedRecords {
  return {
    length: 0,
    lon: new Float64Array(capacity),
    lat: new Float64Array(capacity),
    publicLon: new Float64Array(capacity),
    publicLat: new Float64Array(capacity),
    accurate: new Uint8Array(capacity),
    ids: new Float64Array(capacity),
    rating: new Uint8Array(capacity),
  };
}

/**
 * `state`: each record's byte of the vettings' decisions (lib/vetting/states), parallel to the
 * records. Which records count, their positions in the table and whether each is accurate are
 * found here; their coordinates and ids are copied out when first read: a build with a position
 * table reads none of them unless an accurate position is held (build.ts), and copying five
 * arrays of a million records took a third of a variant's selection.
 */
function select(records: PositionedRecords, state: Uint8Array, options: RecordOptions, excluded: Awaited<ReturnType<typeof excludingVettings>>, table: PositionTable): CountedRecords {
  const size = records.length;
  const chosen = new Int32Array(size);
  const position = new Int32Array(size);
  const accurate = new Uint8Array(size);
  const covering: number[] = [];
  let n = 0;
  for (let i = 0; i < size; i++) {
    const classification = classificationOf(state[i], records.rating[i]);
    if (classification !== KNOWN_VALID && classification !== ASSUMED_VALID) continue;
    if (!options.includeContentious && contentiousOf(state[i])) continue;
    if (excluded && classification === KNOWN_VALID && excluded.leavesOut(records.publicLon[i], records.publicLat[i], covering)) continue;
    chosen[n] = i;
    accurate[n] = records.accurate[i];
    position[n] = table.of[i];
    n++;
  }
  const taken = chosen.subarray(0, n);
  const lazily = (from: Float64Array) => {
    let out: Float64Array | undefined;
    return () => (out ??= gather(from, taken));
  };
  const [lon, lat, publicLon, publicLat, ids] = [records.lon, records.lat, records.publicLon, records.publicLat, records.ids].map(lazily);
  return {
    get lon() {
      return lon();
    },
    get lat() {
      return lat();
    },
    get publicLon() {
      return publicLon();
    },
    get publicLat() {
      return publicLat();
    },
    get ids() {
      return ids();
    },
    accurate: accurate.subarray(0, n),
    frame: { table, position: position.subarray(0, n) },
  };
}

function gather(from: Float64Array, taken: Int32Array): Float64Array {
  const out = new Float64Array(taken.length);
  for (let k = 0; k < taken.length; k++) out[k] = from[taken[k]];
  return out;
}

/**
 * The species' live vettings, when any known-valid one has an excluded qualifier (else null: no
 * record is left out). A record is left out when the most recent vetting covering its public
 * position (the one that set its classification) has such a qualifier.
 */
async function excludingVettings(db: pg.Pool | pg.PoolClient, speciesId: number, qualifiers: readonly RangeQualifier[]) {
  if (qualifiers.length === 0) return null;
  const codes = qualifiers.map(rangeQualifierCode);
  const { rows } = await db.query<{ id: number; area: Area; updated_at: Date; range_qualifier: number | null }>(
    `SELECT id, area, updated_at, range_qualifier FROM vettings
      WHERE species_id = $1 AND deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM vettings q WHERE q.species_id = $1 AND q.deleted_at IS NULL AND q.range_qualifier = ANY($2))`,
    [speciesId, codes],
  );
  if (rows.length === 0) return null;
  const ordered = rows.map((r) => ({ id: r.id, updatedAt: r.updated_at, qualifier: r.range_qualifier, area: r.area })).sort(byRecency);
  const index = new AreaIndex(ordered.map((v) => v.area));
  const out = ordered.map((v) => v.qualifier !== null && codes.includes(v.qualifier));
  return {
    leavesOut(lon: number, lat: number, covering: number[]): boolean {
      const k = index.covering(lon, lat, covering);
      if (k === 0) return false;
      // Indexes follow recency: the smallest is the deciding vetting.
      let latest = covering[0];
      for (let a = 1; a < k; a++) if (covering[a] < latest) latest = covering[a];
      return out[latest];
    },
  };
}
