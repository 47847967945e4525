/**
 * `COPY … TO STDOUT` for node-postgres, as a stream of the COPY data: what pg-copy-streams' `to`
 * gives, read for less. PostgreSQL sends every row as a message of its own; pg-copy-streams cuts
 * each one out as a Buffer and joins them again, about 0.3 µs a row: a third of the CPU of reading
 * a million positioned records (profiled, docs/performance.md). This moves each socket chunk's row
 * bytes together within the chunk and hands the chunk on.
 *
 * A query object node-postgres runs as its active query (a "submittable", as pg-copy-streams is):
 * while the COPY runs it takes the connection's bytes; at CopyDone, or at an ErrorResponse, it
 * gives what is left back to node-postgres, which then reads the command's end (or its error, sent
 * here through handleError) as usual.
 */
import { Readable } from "node:stream";
import type pg from "pg";

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
/** A message's type byte and its length. */
const HEADER = 5;

export class CopyOut extends Readable implements pg.Submittable {
  /** Rows copied, from the command's tag once it completes. */
  rowCount = 0;
  private connection: pg.Connection | null = null;
  private pgData: ((chunk: Buffer) => void) | null = null;
  /** Bytes of a message header cut by the end of a chunk. */
  private head: Buffer | null = null;
  /** Bytes still to come of the current message, and its type. */
  private remaining = 0;
  private code = 0;
  private wanted = false;
  private forwarding = false;
  private finished = false;
  private readonly onReadable = () => this.forward();

  constructor(private readonly text: string) {
    super();
  }

  /** Called by node-postgres when this is the connection's active query; an error returned is given to handleError. */
  submit(connection: pg.Connection): Error | undefined {
    const stream = connection.stream;
    const listeners = stream.listeners("data");
    if (listeners.length !== 1) return new Error(`expected node-postgres's one data listener, found ${listeners.length}`);
    this.connection = connection;
    this.pgData = listeners[0] as (chunk: Buffer) => void;
    stream.removeListener("data", this.pgData);
    stream.pause();
    stream.on("readable", this.onReadable);
    connection.query(this.text);
    return undefined;
  }

  override _read(): void {
    this.wanted = true;
    this.forward();
  }

  private forward(): void {
    if (this.forwarding || !this.wanted || !this.connection || this.finished) return;
    this.forwarding = true;
    let chunk: Buffer | null;
    while (this.wanted && !this.finished && (chunk = this.connection.stream.read() as Buffer | null) !== null) this.wanted = this.parse(chunk);
    this.forwarding = false;
  }

  /** Pushes the chunk's row bytes; false when the reader wants no more for now. */
  private parse(chunk: Buffer): boolean {
    let buffer = chunk;
    if (this.head) {
      buffer = Buffer.concat([this.head, chunk]);
      this.head = null;
    }
    const n = buffer.length;
    let p = 0;
    // Row bytes are moved down to here (never past p: headers are dropped).
    let out = 0;
    while (p < n) {
      if (this.remaining > 0) {
        const k = Math.min(this.remaining, n - p);
        if (this.code === COPY_DATA) {
          if (out !== p) buffer.copyWithin(out, p, p + k);
          out += k;
        }
        p += k;
        this.remaining -= k;
        continue;
      }
      if (buffer[p] === ERROR_RESPONSE) return this.detach(buffer, out, p);
      if (n - p < HEADER) {
        this.head = Buffer.from(buffer.subarray(p));
        break;
      }
      this.code = buffer[p];
      this.remaining = buffer.readUInt32BE(p + 1) - 4;
      p += HEADER;
      // CopyOutResponse, notices and parameter changes are skipped; nothing but CopyData comes before CopyDone.
      if (this.code === COPY_DONE) return this.detach(buffer, out, p + this.remaining);
    }
    return out > 0 ? this.push(buffer.subarray(0, out)) : true;
  }

  /** Gives the connection back to node-postgres with the bytes from `from` on, after pushing the rows before `out`. */
  private detach(buffer: Buffer, out: number, from: number): false {
    const connection = this.connection!;
    this.finished = true;
    if (out > 0) this.push(buffer.subarray(0, out));
    connection.stream.removeListener("readable", this.onReadable);
    connection.stream.on("data", this.pgData!);
    // The ErrorResponse's or the command's end: node-postgres reads it (handleError, handleCommandComplete).
    if (from < buffer.length) this.pgData!(buffer.subarray(from));
    process.nextTick(() => connection.stream.resume());
    return false;
  }

  handleError(error: Error): void {
    this.destroy(error);
  }

  handleCommandComplete(message: { text?: string } | undefined): void {
    const match = /COPY (\d+)/.exec(message?.text ?? "");
    if (match) this.rowCount = Number(match[1]);
    this.push(null);
  }

  handleReadyForQuery(): void {}
}

/** `client.query(copyOut(sql))` streams the COPY's data; `sql` is a whole `COPY … TO STDOUT` statement. */
export function copyOut(sql: string): CopyOut {
  return new CopyOut(sql);
}
