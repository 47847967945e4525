/**
 * Seeded randomness. Everything the simulator generates is a pure function of (seed, record index)
 * so the same seed gives the same world and no per-record state needs storing.
 */

/** Avalanche a 32-bit integer (murmur3 finaliser). */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash two 32-bit integers into one. */
export function hash2(a: number, b: number): number {
  return mix32(Math.imul(a ^ 0x9e3779b9, 0x27d4eb2d) ^ mix32((b + 0x7f4a7c15) | 0));
}

/** FNV-1a over a string, finalised; stable across runs and platforms. */
export function hashString(s: string, salt = 0): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** mulberry32, as a reusable object: reseeding per record avoids allocating 20 million closures. */
export class Rng {
  private state = 0;
  constructor(seed = 0) {
    this.seed(seed);
  }
  seed(s: number): this {
    this.state = s | 0;
    return this;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let a = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    a = (t ^ (t >>> 14)) >>> 0;
    return a / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Standard normal (Box–Muller; one value per call keeps the draw count per record fixed). */
  gauss(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/**
 * A keyed bijection on 32-bit integers (4-round Feistel). Record uuids start with the permuted
 * record index, so a uuid decodes back to its index without any lookup table, and uuid order
 * (what Solr's `sort=id` gives) is a pseudo-random but stable order of records.
 */
export class Permutation {
  private readonly keys: number[];
  constructor(seed: number, salt: number) {
    this.keys = [0, 1, 2, 3].map((r) => hash2(seed ^ salt, r + 1));
  }
  private round(x: number, k: number): number {
    return mix32(x ^ k) & 0xffff;
  }
  encode(x: number): number {
    let l = x >>> 16;
    let r = x & 0xffff;
    for (let i = 0; i < 4; i++) {
      const t = r;
      r = l ^ this.round(r, this.keys[i]);
      l = t;
    }
    return ((l << 16) | r) >>> 0;
  }
  decode(y: number): number {
    let l = y >>> 16;
    let r = y & 0xffff;
    for (let i = 3; i >= 0; i--) {
      const t = l;
      l = r ^ this.round(l, this.keys[i]);
      r = t;
    }
    return ((l << 16) | r) >>> 0;
  }
}
