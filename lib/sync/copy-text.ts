/**
 * Staged rows as `COPY sync_stage` text (tab-separated; backslash, tab, line feed and carriage
 * return escaped; `\N` for null), written straight into a growing byte buffer. Building each line
 * as a string and encoding it after cost twice the CPU (2.6–3.1 against 1.5–2.0 µs a row of a
 * download's mix): a line is a tree of a few dozen string pieces until it is flattened, and every
 * integer becomes a string on the way. This runs once per imported record, in the download thread
 * (lib/sync/download-thread.ts) and for search pages (upsertRows).
 */
import { civilDate, type CivilDate } from "@/lib/domain/civil-date";
import type { StagedRow } from "./prepare";

const TAB = 9;
const LF = 10;
const BACKSLASH = 92;
const encoder = new TextEncoder();
const date: CivilDate = { y: 0, m: 0, d: 0 };

const escapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export class CopyText {
  private out: Uint8Array;
  private end = 0;

  constructor(initialBytes = 1 << 16) {
    this.out = new Uint8Array(initialBytes);
  }

  /** Bytes written so far. */
  get used(): number {
    return this.end;
  }

  /** The text written so far (a view, valid until the next write or reset). */
  bytes(): Uint8Array {
    return this.out.subarray(0, this.end);
  }

  reset(): void {
    this.end = 0;
  }

  /** Whether the line starting at `at` starts with the field `s` (ASCII). */
  startsLine(at: number, s: string): boolean {
    const out = this.out;
    for (let i = 0; i < s.length; i++) if (out[at + i] !== s.charCodeAt(i)) return false;
    return out[at + s.length] === TAB;
  }

  /** Appends one row as a line. */
  line(r: StagedRow): void {
    // Everything but the free text fits in 512 bytes; a UTF-16 unit takes at most 3 bytes of UTF-8.
    this.reserve(512 + 3 * (r.sourceId.length + (r.eventDate?.length ?? 0) + (r.imageId?.length ?? 0) + (r.occurrenceKey?.length ?? 0)));
    this.text(r.sourceId);
    this.tab();
    this.int(r.speciesId);
    this.tab();
    this.num(r.datasetId);
    this.tab();
    this.num(r.lat);
    this.tab();
    this.num(r.lon);
    this.tab();
    this.num(r.uncertaintyM);
    this.tab();
    this.textOrNull(r.eventDate);
    this.tab();
    this.num(r.year);
    this.tab();
    this.int(r.basisOfRecord);
    this.tab();
    if (r.assertions === 0n) this.out[this.end++] = 48;
    else this.ascii(r.assertions.toString());
    this.tab();
    this.out[this.end++] = r.sensitive ? 116 : 102; // t, f
    this.tab();
    this.int(r.duplicateStatus);
    this.tab();
    this.int(r.rating);
    this.tab();
    if (r.sourceLoadedAt) this.instant(r.sourceLoadedAt);
    else this.nul();
    this.tab();
    this.textOrNull(r.imageId);
    this.tab();
    this.num(r.accurate?.lat ?? null);
    this.tab();
    this.num(r.accurate?.lon ?? null);
    this.tab();
    this.textOrNull(r.occurrenceKey || null);
    this.out[this.end++] = LF;
  }

  private reserve(bytes: number): void {
    if (this.out.length - this.end >= bytes) return;
    const bigger = new Uint8Array(Math.max(this.out.length * 2, this.end + bytes));
    bigger.set(this.out.subarray(0, this.end));
    this.out = bigger;
  }

  private tab(): void {
    this.out[this.end++] = TAB;
  }

  private nul(): void {
    this.out[this.end++] = BACKSLASH;
    this.out[this.end++] = 78; // N
  }

  /** A string known to be ASCII (a number's or an ISO instant's text). */
  private ascii(s: string): void {
    const out = this.out;
    let u = this.end;
    for (let i = 0; i < s.length; i++) out[u++] = s.charCodeAt(i);
    this.end = u;
  }

  /**
   * An instant as toISOString writes it, by integer arithmetic (the civil date of its day
   * number): toISOString cost 0.45 µs a record, and a Map of the
   * texts by time, for the few load dates a real download holds, 0.38 µs more a record of the
   * simulator's, whose load dates are days of many years. Years outside 0–9999 go through
   * toISOString (it writes them with six digits and a sign).
   */
  private instant(d: Date): void {
    const time = d.getTime();
    const days = Math.floor(time / 86_400_000);
    let ms = time - days * 86_400_000;
    civilDate(days, date);
    const { y: year, m: month, d: day } = date;
    if (!(year >= 0 && year <= 9999)) return this.ascii(d.toISOString());
    this.digits(year, 4);
    this.out[this.end++] = 45; // -
    this.digits(month, 2);
    this.out[this.end++] = 45;
    this.digits(day, 2);
    this.out[this.end++] = 84; // T
    const hours = Math.floor(ms / 3_600_000);
    ms -= hours * 3_600_000;
    const minutes = Math.floor(ms / 60_000);
    ms -= minutes * 60_000;
    const seconds = Math.floor(ms / 1000);
    this.digits(hours, 2);
    this.out[this.end++] = 58; // :
    this.digits(minutes, 2);
    this.out[this.end++] = 58;
    this.digits(seconds, 2);
    this.out[this.end++] = 46; // .
    this.digits(ms - seconds * 1000, 3);
    this.out[this.end++] = 90; // Z
  }

  /** A non-negative integer of at most `width` digits, padded with zeros to it. */
  private digits(v: number, width: number): void {
    const out = this.out;
    for (let at = this.end + width - 1; at >= this.end; at--) {
      const q = Math.floor(v / 10);
      out[at] = 48 + v - q * 10;
      v = q;
    }
    this.end += width;
  }

  private int(v: number): void {
    const out = this.out;
    if (v < 0) {
      out[this.end++] = 45; // -
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let u = (this.end += digits);
    while (v >= 10) {
      const q = Math.floor(v / 10);
      out[--u] = 48 + v - q * 10;
      v = q;
    }
    out[--u] = 48 + v;
  }

  private num(v: number | null): void {
    if (v === null) this.nul();
    else if (Number.isSafeInteger(v)) this.int(v);
    else if (!this.decimal(v)) this.ascii(String(v));
  }

  /**
   * A double with at most 7 decimals (a coordinate, nearly always) as its decimal: the same value
   * String() gives, for a tenth of the cost (String's shortest round trip was 1.1 µs a record, for
   * latitude and longitude). k / 1e7 === v means the decimal k × 10⁻⁷ is the one number with 7
   * decimals that reads back as v, so String(v), when it has no more decimals, is that decimal.
   * False for any other double.
   */
  private decimal(v: number): boolean {
    if (!(Math.abs(v) < 1e8)) return false;
    const k = Math.round(v * 1e7);
    if (k / 1e7 !== v) return false;
    const out = this.out;
    const abs = Math.abs(k);
    if (k < 0) out[this.end++] = 45; // -
    const whole = Math.floor(abs / 1e7);
    let fraction = abs - whole * 1e7;
    this.int(whole);
    out[this.end++] = 46; // .
    for (let place = 1e6; fraction > 0; place /= 10) {
      const digit = Math.floor(fraction / place);
      out[this.end++] = 48 + digit;
      fraction -= digit * place;
    }
    return true;
  }

  private textOrNull(s: string | null | undefined): void {
    if (s === null || s === undefined) this.nul();
    else this.text(s);
  }

  /** Any string, escaped; ASCII without escapes (nearly all) is copied as it is. */
  private text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || c === BACKSLASH || c === TAB || c === LF || c === 13) {
        const escaped = s.replace(/[\\\t\n\r]/g, (e) => escapes[e]);
        this.end += encoder.encodeInto(escaped, this.out.subarray(this.end)).written;
        return;
      }
    }
    this.ascii(s);
  }
}

/** Rows as one block of COPY text. */
export function copyTextOf(rows: readonly StagedRow[]): Uint8Array {
  const text = new CopyText(rows.length * 200 + 256);
  for (const r of rows) text.line(r);
  return text.bytes();
}
