/**
 * Which records count towards a species' range: known valid and assumed valid (contentious ones
 * only when asked), with a position. Known-valid records whose deciding vetting (the most recent
 * live one covering them, as lib/vetting/classify ranks) carries an excluded range qualifier
 * (vagrant and historic by default) stay on the map but are left out here. Sensitive records
 * count at their accurate coordinates where Edgar holds them; the build keeps those out of
 * everything it publishes (publish.ts).
 */
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { classificationCode, rangeQualifierCode, type RangeQualifier } from "@/lib/domain/codes";
import { AreaIndex, type Area } from "@/lib/geometry/point-in-area";
import { byRecency } from "@/lib/vetting/classify";
import type { CountedRecords } from "./build";
import { float4AsText } from "./float4";

export interface RecordOptions {
  includeContentious: boolean;
  excludedQualifiers: readonly RangeQualifier[];
}

const KNOWN_VALID = classificationCode.known_valid;

export async function countedRecords(db: pg.Pool | pg.PoolClient, speciesId: number, options: RecordOptions): Promise<CountedRecords> {
  return (await countedVariants(db, speciesId, [options]))[0];
}

/**
 * The records that count under each of several options, from one read: the variants with and
 * without contentious records differ only in those, so the species is read once, not twice.
 */
export async function countedVariants(db: pg.Pool | pg.PoolClient, speciesId: number, variants: readonly RecordOptions[]): Promise<CountedRecords[]> {
  const valid = await validRecords(db, speciesId, variants.some((v) => v.includeContentious));
  const out: CountedRecords[] = [];
  for (const options of variants) out.push(select(valid, options, await excludingVettings(db, speciesId, options.excludedQualifiers)));
  return out;
}

/** Every known- or assumed-valid record with a position; the figures' position is the accurate one where held. */
interface ValidRecords {
  length: number;
  lon: Float64Array;
  lat: Float64Array;
  publicLon: Float64Array;
  publicLat: Float64Array;
  accurate: Uint8Array;
  knownValid: Uint8Array;
  contentious: Uint8Array;
  ids: Float64Array;
}

const FLAG_KNOWN_VALID = 2;
const FLAG_CONTENTIOUS = 1;
/** Binary COPY header: signature, flags, extension length. */
const HEADER_BYTES = 19;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const COLUMNS = 6;

/**
 * One binary COPY into typed arrays. Over a million records the text protocol's per-row arrays and
 * strings took about 2 s of CPU and most of the garbage collector's work (profiled); this parses
 * the bytes directly. COPY takes no bind parameters: the id is checked to be an integer and the
 * rest are constants.
 */
async function validRecords(db: pg.Pool | pg.PoolClient, speciesId: number, withContentious: boolean): Promise<ValidRecords> {
  if (!Number.isSafeInteger(speciesId)) throw new Error(`species id must be an integer, got ${speciesId}`);
  const sql = `COPY (SELECT o.lon, o.lat, sc.lon, sc.lat, o.id,
                      ((o.classification = ${KNOWN_VALID})::int * ${FLAG_KNOWN_VALID} + o.contentious::int * ${FLAG_CONTENTIOUS})::int2
                 FROM classified_occurrences o
                 LEFT JOIN sensitive_coordinates sc ON o.sensitive AND sc.occurrence_id = o.id
                WHERE o.species_id = ${speciesId} AND o.lat IS NOT NULL AND o.lon IS NOT NULL
                  AND o.classification IN (${KNOWN_VALID}, ${classificationCode.assumed_valid})${withContentious ? "" : " AND NOT o.contentious"})
               TO STDOUT (FORMAT binary)`;
  const client = "release" in db ? db : await db.connect();
  let buffer: Buffer;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
    buffer = Buffer.concat(chunks);
  } finally {
    if (client !== db) (client as pg.PoolClient).release();
  }
  return parseValid(buffer);
}

function parseValid(buffer: Buffer): ValidRecords {
  if (buffer.length < HEADER_BYTES + 2 || !buffer.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  // The shortest row: field count, six lengths, two float4s, two NULLs, int4 and int2.
  const capacity = Math.floor(buffer.length / (2 + COLUMNS * 4 + 4 + 4 + 4 + 2));
  const out: ValidRecords = {
    length: 0,
    lon: new Float64Array(capacity),
    lat: new Float64Array(capacity),
    publicLon: new Float64Array(capacity),
    publicLat: new Float64Array(capacity),
    accurate: new Uint8Array(capacity),
    knownValid: new Uint8Array(capacity),
    contentious: new Uint8Array(capacity),
    ids: new Float64Array(capacity),
  };
  let p = HEADER_BYTES + view.getInt32(15);
  let n = 0;
  for (;;) {
    const fields = view.getInt16(p);
    if (fields === -1) break;
    if (fields !== COLUMNS) throw new Error(`expected ${COLUMNS} columns in a COPY row, got ${fields}`);
    const pLon = float4AsText(view.getFloat32(p + 6));
    const pLat = float4AsText(view.getFloat32(p + 14));
    p += 18;
    out.publicLon[n] = pLon;
    out.publicLat[n] = pLat;
    if (view.getInt32(p) < 0 || view.getInt32(p + 12) < 0) {
      // Both or neither are held: the join gives both columns or none.
      out.lon[n] = pLon;
      out.lat[n] = pLat;
      p += view.getInt32(p) < 0 ? 8 : 16;
    } else {
      out.lon[n] = view.getFloat64(p + 4);
      out.lat[n] = view.getFloat64(p + 16);
      out.accurate[n] = 1;
      p += 24;
    }
    out.ids[n] = view.getInt32(p + 4);
    const flags = view.getInt16(p + 12);
    out.knownValid[n] = flags & FLAG_KNOWN_VALID ? 1 : 0;
    out.contentious[n] = flags & FLAG_CONTENTIOUS;
    p += 14;
    n++;
  }
  out.length = n;
  return out;
}

function select(valid: ValidRecords, options: RecordOptions, excluded: Awaited<ReturnType<typeof excludingVettings>>): CountedRecords {
  const size = valid.length;
  const lon = new Float64Array(size);
  const lat = new Float64Array(size);
  const publicLon = new Float64Array(size);
  const publicLat = new Float64Array(size);
  const accurate = new Uint8Array(size);
  const ids = new Float64Array(size);
  const covering: number[] = [];
  let n = 0;
  for (let i = 0; i < size; i++) {
    if (!options.includeContentious && valid.contentious[i]) continue;
    if (excluded && valid.knownValid[i] && excluded.leavesOut(valid.publicLon[i], valid.publicLat[i], covering)) continue;
    publicLon[n] = valid.publicLon[i];
    publicLat[n] = valid.publicLat[i];
    lon[n] = valid.lon[i];
    lat[n] = valid.lat[i];
    accurate[n] = valid.accurate[i];
    ids[n] = valid.ids[i];
    n++;
  }
  return { lon: lon.subarray(0, n), lat: lat.subarray(0, n), publicLon: publicLon.subarray(0, n), publicLat: publicLat.subarray(0, n), accurate: accurate.subarray(0, n), ids: ids.subarray(0, n) };
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
