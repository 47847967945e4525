import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { BBox } from "@/lib/geometry/bbox";
import type { SpeciesRecords } from "./classify";

/** A species' records as stored: inputs of classify() plus the current outputs, to diff against. */
export interface StoredRecords extends SpeciesRecords {
  classification: Uint8Array;
  contentious: Uint8Array;
  /** Where each row version is (ctid: block, offset): the write-back finds it without the index. */
  block: Uint32Array;
  offset: Uint16Array;
}

const COLUMNS = 5;
/** A row with null lat and lon: field count, five lengths, int4 id, tid, int2 state. */
const MIN_ROW_BYTES = 2 + COLUMNS * 4 + 4 + 6 + 2;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Loads (id, ctid, lat, lon, rating, classification, contentious) of the species' records that a
 * re-classification can change: those inside any of the boxes and, with `formerlyVetted`, those
 * not at their rating today (covered before, perhaps by nothing now). Every other record is
 * already right, so it is never read. Binary COPY into typed arrays, the three small values packed
 * into one int2 (rating * 16 + classification * 2 + contentious): a million rows in a fraction
 * of a second, where row objects would take seconds.
 */
export async function loadCandidates(
  client: pg.PoolClient,
  speciesId: number,
  boxes: readonly BBox[],
  options: { formerlyVetted: boolean },
): Promise<StoredRecords> {
  if (!Number.isSafeInteger(speciesId)) throw new Error(`species id must be an integer, got ${speciesId}`);
  // COPY takes no bind parameters: the id is an integer and the boxes finite numbers (checked),
  // compared as float8 so that the real columns are compared exactly as classify() sees them.
  const conditions = boxes.map((box) => {
    if (!box.every(Number.isFinite)) throw new Error(`bounding box must be finite numbers, got ${box}`);
    const [x0, y0, x1, y1] = box.map((v) => `${v}::float8`);
    return `(lon BETWEEN ${x0} AND ${x1} AND lat BETWEEN ${y0} AND ${y1})`;
  });
  if (options.formerlyVetted) conditions.push("classification <> rating", "contentious");
  if (conditions.length === 0) return noRecords();
  const stream = client.query(
    copyTo(
      `COPY (SELECT id, ctid, lat, lon, (rating * 16 + classification * 2 + contentious::int)::int2 FROM occurrences
              WHERE species_id = ${speciesId} AND (${conditions.join(" OR ")}))
       TO STDOUT (FORMAT binary)`,
    ),
  );
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return parseCopy(Buffer.concat(chunks));
}

/** Parses PostgreSQL's binary COPY format for exactly the five columns above. */
export function parseCopy(buf: Buffer): StoredRecords {
  if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
  // DataView reads are intrinsics in V8, several times faster than Buffer's readInt32BE and kin.
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 15 + 4 + view.getInt32(15);
  const capacity = Math.ceil(buf.length / MIN_ROW_BYTES);
  const id = new Int32Array(capacity);
  const lat = new Float32Array(capacity);
  const lon = new Float32Array(capacity);
  const rating = new Uint8Array(capacity);
  const classification = new Uint8Array(capacity);
  const contentious = new Uint8Array(capacity);
  const block = new Uint32Array(capacity);
  const offset = new Uint16Array(capacity);
  let n = 0;
  for (;;) {
    const fields = view.getInt16(pos);
    if (fields === -1) break;
    if (fields !== COLUMNS) throw new Error(`expected ${COLUMNS} columns in COPY row, got ${fields}`);
    id[n] = view.getInt32(pos + 6);
    block[n] = view.getUint32(pos + 14);
    offset[n] = view.getUint16(pos + 18);
    pos += 20;
    if (view.getInt32(pos) < 0) (lat[n] = NaN), (pos += 4);
    else (lat[n] = view.getFloat32(pos + 4)), (pos += 8);
    if (view.getInt32(pos) < 0) (lon[n] = NaN), (pos += 4);
    else (lon[n] = view.getFloat32(pos + 4)), (pos += 8);
    const state = view.getInt16(pos + 4);
    rating[n] = state >> 4;
    classification[n] = (state >> 1) & 7;
    contentious[n] = state & 1;
    pos += 6;
    n++;
  }
  return {
    id: id.subarray(0, n),
    lat: lat.subarray(0, n),
    lon: lon.subarray(0, n),
    rating: rating.subarray(0, n),
    classification: classification.subarray(0, n),
    contentious: contentious.subarray(0, n),
    block: block.subarray(0, n),
    offset: offset.subarray(0, n),
  };
}

function noRecords(): StoredRecords {
  return {
    id: new Int32Array(0),
    lat: new Float32Array(0),
    lon: new Float32Array(0),
    rating: new Uint8Array(0),
    classification: new Uint8Array(0),
    contentious: new Uint8Array(0),
    block: new Uint32Array(0),
    offset: new Uint16Array(0),
  };
}
