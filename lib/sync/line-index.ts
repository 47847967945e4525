/**
 * Where each record's line is in a batch of COPY text (lib/sync/copy-text.ts), by record id: the
 * download thread writes a record the file holds twice once. Kept in an open-addressed table of
 * typed arrays by a 30-bit FNV-1a hash of the id, and checked against the id at the start of the
 * line a slot points to. A Map by id string cost 0.41–0.44 µs a record (a get and a set, the map
 * growing to a batch's 20 000 entries), this 0.10–0.12 µs. An id whose hash another id took
 * first, or an id outside ASCII (the line holds UTF-8), is kept by its string.
 */
import type { CopyText } from "./copy-text";

export class LineIndex {
  /** Open addressing: a slot holds hash + 1 (0: empty) and the line's start. */
  private hashes = new Int32Array(1 << 16);
  private starts = new Int32Array(1 << 16);
  private size = 0;
  private byId = new Map<string, number>();

  /** The start of `id`'s line so far, if any; `at` is its line from now on. */
  swap(id: string, at: number, text: CopyText): number | undefined {
    const hash = idHash(id);
    if (hash >= 0) {
      const mask = this.hashes.length - 1;
      let slot = hash & mask;
      for (;;) {
        const h = this.hashes[slot];
        if (h === 0) break;
        if (h === hash + 1) {
          const other = this.starts[slot];
          if (!text.startsLine(other, id)) break; // another id took this hash first
          this.starts[slot] = at;
          return other;
        }
        slot = (slot + 1) & mask;
      }
      if (this.hashes[slot] === 0) {
        this.hashes[slot] = hash + 1;
        this.starts[slot] = at;
        if (++this.size * 2 > this.hashes.length) this.grow();
        return undefined;
      }
    }
    const before = this.byId.get(id);
    this.byId.set(id, at);
    return before;
  }

  clear(): void {
    if (this.size) {
      this.hashes.fill(0);
      this.size = 0;
    }
    this.byId.clear();
  }

  private grow(): void {
    const { hashes, starts } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.starts = new Int32Array(hashes.length * 2);
    const mask = this.hashes.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === 0) continue;
      let slot = (hashes[i] - 1) & mask;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & mask;
      this.hashes[slot] = hashes[i];
      this.starts[slot] = starts[i];
    }
  }
}

/** The id's 30-bit FNV-1a hash; -1 for an id outside ASCII. */
export function idHash(id: string): number {
  let hash = 0x811c9dc5;
  let chars = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    chars |= c;
    hash = Math.imul(hash ^ c, 16777619);
  }
  return chars < 128 ? hash & 0x3fffffff : -1;
}
