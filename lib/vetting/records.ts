import { copyOut } from "@/lib/db/copy-out";
import type pg from "pg";
import type { BBox } from "@/lib/geometry/bbox";
import type { SpeciesRecords } from "./classify";

const COLUMNS = 4;
/** The longest row: field count, four lengths, int4 id, float4 lat and lon, int2 rating. */
const MAX_ROW_BYTES = 2 + COLUMNS * 4 + 4 + 4 + 4 + 2;
/** Header: signature, flags, extension length (and the extension, whose length it gives). */
const HEADER_BYTES = 19;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** Records are handed on in batches of about this many bytes of COPY data (about 8 000 rows). */
const BATCH_BYTES = 256 * 1024;

/**
 * The species' records (id, lat, lon, rating) inside any of the boxes, or all of them when
 * `boxes` is null, in batches as PostgreSQL sends them: the caller classifies one batch while the
 * server is still scanning for the next, which keeps both cores busy. Nothing outside the boxes of
 * the vettings that changed can change class, so only those are read. Binary COPY into typed
 * arrays: no per-row JS objects.
 */
export async function* candidateBatches(client: pg.PoolClient, speciesId: number, boxes: readonly BBox[] | null): AsyncGenerator<SpeciesRecords> {
  if (!Number.isSafeInteger(speciesId)) throw new Error(`species id must be an integer, got ${speciesId}`);
  if (boxes?.length === 0) return;
  // COPY takes no bind parameters: the id is an integer and the boxes finite numbers (checked),
  // compared as float8 so that the real columns are compared exactly as classify() sees them.
  const conditions = (boxes ?? []).map((box) => {
    if (!box.every(Number.isFinite)) throw new Error(`bounding box must be finite numbers, got ${box}`);
    const [x0, y0, x1, y1] = box.map((v) => `${v}::float8`);
    return `(lon BETWEEN ${x0} AND ${x1} AND lat BETWEEN ${y0} AND ${y1})`;
  });
  const where = conditions.length > 0 ? `AND (${conditions.join(" OR ")})` : "";
  const stream = client.query(
    copyOut(`COPY (SELECT id, lat, lon, rating FROM occurrences WHERE species_id = ${speciesId} ${where}) TO STDOUT (FORMAT binary)`),
  );
  const parser = new CopyParser();
  let pending: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    pending.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= BATCH_BYTES) {
      yield parser.push(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
  }
  yield parser.push(Buffer.concat(pending));
  parser.end();
}

/**
 * Parses PostgreSQL's binary COPY format for exactly the four columns above, from chunks that may
 * split a row anywhere: each push returns the rows completed so far and keeps the rest.
 */
export class CopyParser {
  private rest: Buffer = Buffer.alloc(0);
  private started = false;
  private ended = false;

  push(chunk: Buffer): SpeciesRecords {
    let buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    if (!this.started) {
      if (buf.length < HEADER_BYTES) return this.keep(buf, 0);
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
      const skip = HEADER_BYTES + buf.readInt32BE(15);
      if (buf.length < skip) return this.keep(buf, 0);
      buf = buf.subarray(skip);
      this.started = true;
    }
    // DataView reads are intrinsics in V8, several times faster than Buffer's readInt32BE and kin.
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const capacity = Math.ceil(buf.length / (MAX_ROW_BYTES - 8));
    const id = new Int32Array(capacity);
    const lat = new Float32Array(capacity);
    const lon = new Float32Array(capacity);
    const rating = new Uint8Array(capacity);
    let pos = 0;
    let n = 0;
    while (!this.ended && pos + 2 <= buf.length) {
      const fields = view.getInt16(pos);
      if (fields === -1) {
        this.ended = true;
        pos += 2;
        break;
      }
      if (fields !== COLUMNS) throw new Error(`expected ${COLUMNS} columns in COPY row, got ${fields}`);
      if (buf.length - pos < MAX_ROW_BYTES && !complete(view, pos)) break;
      id[n] = view.getInt32(pos + 6);
      let p = pos + 10;
      if (view.getInt32(p) < 0) (lat[n] = NaN), (p += 4);
      else (lat[n] = view.getFloat32(p + 4)), (p += 8);
      if (view.getInt32(p) < 0) (lon[n] = NaN), (p += 4);
      else (lon[n] = view.getFloat32(p + 4)), (p += 8);
      rating[n] = view.getInt16(p + 4);
      pos = p + 6;
      n++;
    }
    this.rest = Buffer.from(buf.subarray(pos));
    return { id: id.subarray(0, n), lat: lat.subarray(0, n), lon: lon.subarray(0, n), rating: rating.subarray(0, n) };
  }

  /** Throws unless the stream ended with COPY's trailer and nothing after it. */
  end(): void {
    if (!this.ended) throw new Error("COPY stream ended before its trailer (truncated)");
    if (this.rest.length > 0) throw new Error(`${this.rest.length} bytes after the COPY trailer`);
  }

  private keep(buf: Buffer, from: number): SpeciesRecords {
    this.rest = Buffer.from(buf.subarray(from));
    return { id: new Int32Array(0), lat: new Float32Array(0), lon: new Float32Array(0), rating: new Uint8Array(0) };
  }
}

/** Whether the row at `pos` lies wholly inside the view (only asked near the end of a chunk). */
function complete(view: DataView, pos: number): boolean {
  let p = pos + 2;
  for (let f = 0; f < COLUMNS; f++) {
    if (p + 4 > view.byteLength) return false;
    p += 4 + Math.max(view.getInt32(p), 0);
  }
  return p <= view.byteLength;
}
