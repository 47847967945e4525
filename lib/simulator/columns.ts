/**
 * The world's records, one typed array per attribute (struct of arrays): 20 million records fit in
 * well under a gigabyte and no per-record JS object exists until a page is materialised.
 */

export const FLAG = {
  DELETED: 1,
  /** raw_basisOfRecord spelt CamelCase (HumanObservation) rather than upper-snake. */
  RAW_BOR_CAMEL: 2,
  USER_ASSERTION: 4,
  ALREADY_GENERALISED: 8,
  HAS_REMARKS: 16,
  /** Bits 5-6: number of images (0-3). */
  IMAGES_SHIFT: 5,
  IMAGES_MASK: 0b1100000,
  /** lastLoadDate changed after generation: the record may be out of index (load) order. */
  MOVED: 128,
} as const;

const NO_COORDINATE = -0x80000000;

/** duplicateStatus codes: 0 = not given. */
export const DUP = ["", "U", "R", "D"] as const;

export class Columns {
  capacity = 0;
  species = new Uint16Array(0);
  /**
   * Public (possibly generalised) coordinates in millionths of a degree, NO_COORDINATE when
   * missing: as exact as the 6 decimals the ALA gives, where float32 would print -31.799999.
   */
  latE6 = new Int32Array(0);
  lonE6 = new Int32Array(0);
  /** Metres; NaN when missing. */
  uncertainty = new Float32Array(0);
  /** 0 = no date. */
  year = new Int16Array(0);
  /** 0 = not given. */
  month = new Uint8Array(0);
  day = new Uint8Array(0);
  bor = new Uint8Array(0);
  resource = new Uint8Array(0);
  flags = new Uint8Array(0);
  dup = new Uint8Array(0);
  assertions = new Uint32Array(0);
  /** Epoch ms (Solr keeps ms; seconds would hide same-second updates from `lastLoadDate:[T TO *]`). */
  lastLoad = new Float64Array(0);
  /** Epoch seconds. */
  firstLoad = new Uint32Array(0);
  /** Index into resources.ts collectorName; 0 = none. */
  collector = new Uint16Array(0);

  constructor(capacity: number) {
    this.grow(capacity);
  }

  /** Reallocate to at least `capacity`, keeping contents. */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const copy = <T extends { set(a: T): void; length: number }>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.species = copy(this.species, (n) => new Uint16Array(n));
    this.latE6 = copy(this.latE6, (n) => new Int32Array(n));
    this.lonE6 = copy(this.lonE6, (n) => new Int32Array(n));
    this.uncertainty = copy(this.uncertainty, (n) => new Float32Array(n));
    this.year = copy(this.year, (n) => new Int16Array(n));
    this.month = copy(this.month, (n) => new Uint8Array(n));
    this.day = copy(this.day, (n) => new Uint8Array(n));
    this.bor = copy(this.bor, (n) => new Uint8Array(n));
    this.resource = copy(this.resource, (n) => new Uint8Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.dup = copy(this.dup, (n) => new Uint8Array(n));
    this.assertions = copy(this.assertions, (n) => new Uint32Array(n));
    this.lastLoad = copy(this.lastLoad, (n) => new Float64Array(n));
    this.firstLoad = copy(this.firstLoad, (n) => new Uint32Array(n));
    this.collector = copy(this.collector, (n) => new Uint16Array(n));
    this.capacity = capacity;
  }

  imageCount(i: number): number {
    return (this.flags[i] & FLAG.IMAGES_MASK) >> FLAG.IMAGES_SHIFT;
  }

  hasCoordinates(i: number): boolean {
    return this.latE6[i] !== NO_COORDINATE;
  }

  /** Degrees, NaN when missing. */
  lat(i: number): number {
    const v = this.latE6[i];
    return v === NO_COORDINATE ? NaN : v / 1e6;
  }

  lon(i: number): number {
    const v = this.lonE6[i];
    return v === NO_COORDINATE ? NaN : v / 1e6;
  }

  /** Set both coordinates (degrees); NaN in either means no coordinates. */
  setPosition(i: number, lat: number, lon: number): void {
    const missing = Number.isNaN(lat) || Number.isNaN(lon);
    this.latE6[i] = missing ? NO_COORDINATE : Math.round(lat * 1e6);
    this.lonE6[i] = missing ? NO_COORDINATE : Math.round(lon * 1e6);
  }
}
