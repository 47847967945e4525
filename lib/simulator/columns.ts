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

type TypedArray = Uint8Array | Uint16Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type TypedArrayClass = { new (buffer: ArrayBufferLike): TypedArray; BYTES_PER_ELEMENT: number };

/** Each column's element type. */
const LAYOUT = {
  species: Uint16Array,
  latE6: Int32Array,
  lonE6: Int32Array,
  uncertainty: Float32Array,
  year: Int16Array,
  month: Uint8Array,
  day: Uint8Array,
  bor: Uint8Array,
  resource: Uint8Array,
  flags: Uint8Array,
  dup: Uint8Array,
  assertions: Uint32Array,
  lastLoad: Float64Array,
  firstLoad: Uint32Array,
  collector: Uint16Array,
};

export type ColumnName = keyof typeof LAYOUT;
export const COLUMN_NAMES = Object.keys(LAYOUT) as ColumnName[];
/** The columns' buffers, to hand to a worker thread (shared ones are not copied). */
export type ColumnBuffers = Record<ColumnName, ArrayBufferLike>;

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

  /** `shared`: on SharedArrayBuffers, so worker threads can fill them (World.create). */
  constructor(
    capacity: number,
    private readonly shared = false,
  ) {
    this.grow(capacity);
  }

  /** Columns over buffers another thread allocated. */
  static over(buffers: ColumnBuffers, capacity: number): Columns {
    const c = new Columns(0);
    for (const name of COLUMN_NAMES) c.set(name, new (LAYOUT[name] as TypedArrayClass)(buffers[name]));
    c.capacity = capacity;
    return c;
  }

  buffers(): ColumnBuffers {
    return Object.fromEntries(COLUMN_NAMES.map((name) => [name, this[name].buffer])) as ColumnBuffers;
  }

  /** Reallocate to at least `capacity`, keeping contents. */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    for (const name of COLUMN_NAMES) {
      const Type = LAYOUT[name] as TypedArrayClass;
      const bytes = capacity * Type.BYTES_PER_ELEMENT;
      const next = new Type(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
      next.set(this[name] as never);
      this.set(name, next);
    }
    this.capacity = capacity;
  }

  private set(name: ColumnName, array: TypedArray): void {
    (this as unknown as Record<ColumnName, TypedArray>)[name] = array;
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
