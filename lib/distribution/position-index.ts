/**
 * Distinct positions: two within 1e-5° (about a metre, finer than any record's precision) are one.
 * An open-addressing table over typed arrays: over a million records a Map of number keys took
 * most of a second and much garbage (profiled, docs/performance.md).
 */
export class PositionIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  // Whole numbers, |key| < 2^27 for any valid position. As int32 (`| 0`), so a record outside the
  // valid range (the ALA flags them; an expert may still vet one valid) keys the same way each time.
  private readonly keyA: Int32Array;
  private readonly keyB: Int32Array;
  /** Positions added so far; each is numbered in the order it was first added. */
  size = 0;

  constructor(capacity: number) {
    let slots = 2;
    while (slots < capacity * 2) slots <<= 1;
    this.slots = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    this.keyA = new Int32Array(capacity);
    this.keyB = new Int32Array(capacity);
  }

  /** The position's number, a new one (the current size) when it was not there yet; at most `capacity` distinct. */
  add(lon: number, lat: number): number {
    const a = Math.round((lon + 540) * 1e5) | 0;
    const b = Math.round((lat + 90) * 1e5) | 0;
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
