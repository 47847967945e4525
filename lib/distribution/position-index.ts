/**
 * Distinct pairs of whole numbers, numbered in the order they first come: an open-addressing table
 * over typed arrays. Over a million records a Map of number keys took most of a second and much
 * garbage (profiled, docs/performance.md). The AOO's sparse grids use it for cells (aoo.ts).
 */
export class PairIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly keyA: Int32Array;
  private readonly keyB: Int32Array;
  /** Pairs added so far. */
  size = 0;

  constructor(capacity: number) {
    let slots = 2;
    while (slots < capacity * 2) slots <<= 1;
    this.slots = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    this.keyA = new Int32Array(capacity);
    this.keyB = new Int32Array(capacity);
  }

  /** The pair's number, a new one (the current size) when it was not there yet; at most `capacity` distinct. */
  addPair(a: number, b: number): number {
    let h = (Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const g = this.slots[h];
      if (g === -1) {
        this.slots[h] = this.size;
        this.keyA[this.size] = a;
        this.keyB[this.size] = b;
        return this.size++;
      }
      if (this.keyA[g] === a && this.keyB[g] === b) return g;
      h = (h + 1) & this.mask;
    }
  }
}

/** Distinct positions: two within 1e-5° (about a metre, finer than any record's precision) are one. */
export class PositionIndex extends PairIndex {
  /** The position's number, a new one when it was not there yet. */
  add(lon: number, lat: number): number {
    // Whole numbers, |key| < 2^27 for any valid position. As int32 (`| 0`), so a record outside the
    // valid range (the ALA flags them; an expert may still vet one valid) keys the same way each time.
    return this.addPair(Math.round((lon + 540) * 1e5) | 0, Math.round((lat + 90) * 1e5) | 0);
  }
}
