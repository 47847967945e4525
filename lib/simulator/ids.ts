import { hash2, hashString, Permutation } from "./prng";

/**
 * Identifiers derived from (seed, number) so none need storing: record uuids, image ids, and the
 * taxon guids derived from names (the same species keeps its guid whatever the seed, like real taxonomy).
 */

const HEX = "0123456789abcdef";

function hex(n: number, digits: number): string {
  let s = "";
  for (let i = digits - 1; i >= 0; i--) s += HEX[(n >>> (i * 4)) & 15];
  return s;
}

/** A version-4-shaped uuid whose first 32 bits are `head`; the rest comes from three hashes. */
function uuidFrom(head: number, h1: number, h2: number, h3: number): string {
  return (
    hex(head, 8) +
    "-" +
    hex(h1 >>> 16, 4) +
    "-4" +
    hex(h1 & 0xfff, 3) +
    "-" +
    HEX[8 | ((h2 >>> 30) & 3)] +
    hex((h2 >>> 16) & 0xfff, 3) +
    "-" +
    hex(h2 & 0xffff, 4) +
    hex(h3, 8)
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Encodes and decodes the ids of one world (one seed). */
export class IdCodec {
  private readonly records: Permutation;
  private readonly images: Permutation;
  constructor(private readonly seed: number) {
    this.records = new Permutation(seed, 0x5eed0001);
    this.images = new Permutation(seed, 0x5eed0002);
  }

  /** The sort key of a record: its uuid's first 32 bits (uuid string order equals this number's order). */
  recordKey(index: number): number {
    return this.records.encode(index);
  }

  /** Inverse of recordKey. */
  recordAt(key: number): number {
    return this.records.decode(key);
  }

  recordUuid(index: number): string {
    const s = this.seed;
    return uuidFrom(this.records.encode(index), hash2(s ^ 0x1111, index), hash2(s ^ 0x2222, index), hash2(s ^ 0x3333, index));
  }

  /** The record index a uuid names, or -1. The caller still checks the index is a live record. */
  recordIndex(uuid: string): number {
    if (!UUID_RE.test(uuid)) return -1;
    const index = this.records.decode(parseInt(uuid.slice(0, 8), 16));
    return this.recordUuid(index) === uuid ? index : -1;
  }

  /** Image `k` (0..3) of record `index`. */
  imageId(index: number, k: number): string {
    const n = index * 4 + k;
    const s = this.seed;
    return uuidFrom(this.images.encode(n >>> 0), hash2(s ^ 0x4444, n), hash2(s ^ 0x5555, n), hash2(s ^ 0x6666, n));
  }

  /** { index, k } of an image id, or null. */
  imageRef(id: string): { index: number; k: number } | null {
    if (!UUID_RE.test(id)) return null;
    const n = this.images.decode(parseInt(id.slice(0, 8), 16));
    const ref = { index: Math.floor(n / 4), k: n % 4 };
    return this.imageId(ref.index, ref.k) === id ? ref : null;
  }
}

/** A stable uuid for a name (taxon guids, data resource ids...). */
export function nameUuid(name: string): string {
  return uuidFrom(hashString(name, 1), hashString(name, 2), hashString(name, 3), hashString(name, 4));
}
