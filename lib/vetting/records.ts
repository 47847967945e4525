import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { BBox } from "@/lib/geometry/bbox";
import type { SpeciesRecords } from "./classify";

const COLUMNS = 4;
/** A row with null lat and lon: field count, four lengths, int4 id, int2 rating. */
const MIN_ROW_BYTES = 2 + COLUMNS * 4 + 4 + 2;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Loads (id, lat, lon, rating) of the species' records inside any of the boxes, or of all its
 * records when `boxes` is null. Nothing outside the boxes of the vettings that changed can change
 * class, so only those are read. Binary COPY into typed arrays: a million rows in a fraction of a
 * second, where row objects would take seconds.
 */
export async function loadCandidates(client: pg.PoolClient, speciesId: number, boxes: readonly BBox[] | null): Promise<SpeciesRecords> {
  if (!Number.isSafeInteger(speciesId)) throw new Error(`species id must be an integer, got ${speciesId}`);
  if (boxes?.length === 0) return { id: new Int32Array(0), lat: new Float32Array(0), lon: new Float32Array(0), rating: new Uint8Array(0) };
  // COPY takes no bind parameters: the id is an integer and the boxes finite numbers (checked),
  // compared as float8 so that the real columns are compared exactly as classify() sees them.
  const conditions = (boxes ?? []).map((box) => {
    if (!box.every(Number.isFinite)) throw new Error(`bounding box must be finite numbers, got ${box}`);
    const [x0, y0, x1, y1] = box.map((v) => `${v}::float8`);
    return `(lon BETWEEN ${x0} AND ${x1} AND lat BETWEEN ${y0} AND ${y1})`;
  });
  const where = conditions.length > 0 ? `AND (${conditions.join(" OR ")})` : "";
  const stream = client.query(
    copyTo(`COPY (SELECT id, lat, lon, rating FROM occurrences WHERE species_id = ${speciesId} ${where}) TO STDOUT (FORMAT binary)`),
  );
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return parseCopy(Buffer.concat(chunks));
}

/** Parses PostgreSQL's binary COPY format for exactly the four columns above. */
export function parseCopy(buf: Buffer): SpeciesRecords {
  if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
  // DataView reads are intrinsics in V8, several times faster than Buffer's readInt32BE and kin.
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 15 + 4 + view.getInt32(15);
  const capacity = Math.ceil(buf.length / MIN_ROW_BYTES);
  const id = new Int32Array(capacity);
  const lat = new Float32Array(capacity);
  const lon = new Float32Array(capacity);
  const rating = new Uint8Array(capacity);
  let n = 0;
  for (;;) {
    const fields = view.getInt16(pos);
    if (fields === -1) break;
    if (fields !== COLUMNS) throw new Error(`expected ${COLUMNS} columns in COPY row, got ${fields}`);
    id[n] = view.getInt32(pos + 6);
    pos += 10;
    if (view.getInt32(pos) < 0) (lat[n] = NaN), (pos += 4);
    else (lat[n] = view.getFloat32(pos + 4)), (pos += 8);
    if (view.getInt32(pos) < 0) (lon[n] = NaN), (pos += 4);
    else (lon[n] = view.getFloat32(pos + 4)), (pos += 8);
    rating[n] = view.getInt16(pos + 4);
    pos += 6;
    n++;
  }
  return { id: id.subarray(0, n), lat: lat.subarray(0, n), lon: lon.subarray(0, n), rating: rating.subarray(0, n) };
}
