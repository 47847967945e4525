import { copyOut } from "@/lib/db/copy-out";
import type pg from "pg";

/**
 * The first column of the first row of `sql`, a bytea, read by binary COPY: undefined when there
 * is no row, null when the value is SQL NULL. A plain query sends bytea as hex text, twice as long
 * to send and slow to decode (for the megabytes of tile cells and chunks, tens of milliseconds of
 * the first tile). COPY takes no parameters: the caller writes checked integers into `sql`.
 */
export async function copyBytea(sql: string, db: pg.Pool): Promise<Buffer | null | undefined> {
  const client = await db.connect();
  let bytes: Buffer;
  try {
    const parts: Buffer[] = [];
    for await (const part of client.query(copyOut(`COPY (${sql}) TO STDOUT (FORMAT binary)`))) parts.push(part as Buffer);
    bytes = Buffer.concat(parts);
  } finally {
    client.release();
  }
  // 19 bytes of header, then per row a field count (int16) and the field's length (int32, -1: null) and bytes; -1 ends.
  const HEADER = 19;
  if (bytes.readInt16BE(HEADER) === -1) return undefined;
  const length = bytes.readInt32BE(HEADER + 2);
  return length < 0 ? null : bytes.subarray(HEADER + 6, HEADER + 6 + length);
}

/** An integer written into COPY's SQL; anything else is refused. */
export function sqlInt(v: number): string {
  if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
  return String(v);
}
