/**
 * Area of occupancy: the number of grid cells holding at least one record, times the cell's area,
 * on a grid in the equal-area projection centred on the records (IUCN guidelines §4.10: 2 × 2 km).
 * Where the grid lies changes the count, so, as ConR's cell.occupied does, the grid is laid at
 * several offsets along the diagonal and the smallest count is taken. ConR's grid starts at
 * floor(min) − 2 cells − offset in each axis; so does this one, so counts match cell for cell.
 */
import { PairIndex } from "./position-index";
import type { ProjectedPoints } from "./points";

export interface AooSettings {
  /** Cell side, km (IUCN: 2). */
  cellKm: number;
  /** Grid offsets along the diagonal, as shares of a cell (ConR: 0, ¼, ½, ¾). */
  offsets: readonly number[];
}

export const DEFAULT_AOO: AooSettings = { cellKm: 2, offsets: [0, 0.25, 0.5, 0.75] };

export interface AooResult {
  km2: number;
  cells: number;
  cellKm: number;
  /** The offset (share of a cell) whose grid gave the smallest count. */
  offset: number;
  /** Every offset's count, in the order of the settings. */
  counts: number[];
}

export function aoo(points: ProjectedPoints, settings: AooSettings = DEFAULT_AOO): AooResult | null {
  return aooOf(Array.from(aooGrids(points, settings), (grid) => grid.count), settings);
}

/**
 * The occupied cells at each offset, one offset at a time: a build lets other work (a hull
 * thread's answer, a store's query) run between them (build.ts). Each offset's cells come with
 * their bits when a box of bits marked them, so that a superset of the points can be counted from
 * them (aooAdding).
 */
export function* aooGrids(points: ProjectedPoints, settings: AooSettings, origin = gridOrigin(points.xy)): Generator<{ count: number; bits: CellBits | null }> {
  if (points.xy.length === 0) return;
  const size = settings.cellKm * 1000;
  for (const share of settings.offsets) {
    const { cols, bits } = occupiedCells(points.xy, origin, size, share);
    yield { count: cols.length, bits };
  }
}

/** What aooAdding needs of the points' AOO: their grid's anchor and each offset's count and bits. */
export interface AooBase {
  origin: [number, number];
  counts: number[];
  bits: (CellBits | null)[];
}

/**
 * Each offset's count for the base's points and `added` (x, y pairs), marked into the base's bits
 * (which then hold the superset's cells); null, with the bits as they were, when the added points
 * move the grid's anchor or fall outside a box of bits: then count the superset afresh.
 */
export function aooAdding(base: AooBase, added: Float64Array, settings: AooSettings): number[] | null {
  const size = settings.cellKm * 1000;
  const [minX, minY] = gridOrigin(added);
  // floor(min(a, b)) = min(floor a, floor b): the anchor holds when the added points' floor is no lower.
  if (minX < base.origin[0] || minY < base.origin[1]) return null;
  const cell = (i: number, share: number, axis: 0 | 1) => Math.floor((added[i + axis] - (base.origin[axis] - share * size - 2 * size)) / size);
  for (let k = 0; k < settings.offsets.length; k++) {
    const bits = base.bits[k];
    if (!bits) return null;
    for (let i = 0; i < added.length; i += 2) if (!bits.covers(cell(i, settings.offsets[k], 0), cell(i, settings.offsets[k], 1))) return null;
  }
  return settings.offsets.map((share, k) => {
    let count = base.counts[k];
    for (let i = 0; i < added.length; i += 2) if (base.bits[k]!.mark(cell(i, share, 0), cell(i, share, 1))) count++;
    return count;
  });
}

/** The AOO from every offset's count (aooGrids), the smallest; null for no points. */
export function aooOf(counts: number[], settings: AooSettings): AooResult | null {
  if (counts.length === 0) return null;
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i] < counts[best]) best = i;
  return { km2: counts[best] * settings.cellKm * settings.cellKm, cells: counts[best], cellKm: settings.cellKm, offset: settings.offsets[best], counts };
}

/** floor() of the points' minimum x and y, metres: ConR's grid anchor before its offsets. */
export function gridOrigin(xy: Float64Array): [number, number] {
  let minX = Infinity;
  let minY = Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    if (xy[i] < minX) minX = xy[i];
    if (xy[i + 1] < minY) minY = xy[i + 1];
  }
  return [Math.floor(minX), Math.floor(minY)];
}

/**
 * The occupied cells of the grid of side `size` metres whose corner is `origin` − (2 + share) cells,
 * as columns and rows in the order of their first position. When the grid over the points' box
 * has no more cells than 64 × the points, a bit per cell marks the occupied ones: a species'
 * box at 2 km is a few million cells, under a megabyte of bits that stay in the cache, where a
 * table of (column, row) pairs is read at random over several megabytes (the four offsets of the
 * 1.2 M-record species in 54–71 ms against 102–125). Wider boxes (a few records far apart) use such
 * a table, in typed arrays: several times faster than a Set of keys, and than sorting them (profiled).
 */
export function occupiedCells(xy: Float64Array, origin: [number, number], size: number, share: number): { cols: Int32Array; rows: Int32Array; bits: CellBits | null } {
  const x0 = origin[0] - share * size - 2 * size;
  const y0 = origin[1] - share * size - 2 * size;
  const n = xy.length / 2;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  // floor is monotone, so the box's corners give the first and last column and row.
  const col0 = Math.floor((minX - x0) / size);
  const row0 = Math.floor((minY - y0) / size);
  const width = Math.floor((maxX - x0) / size) - col0 + 1;
  const height = Math.floor((maxY - y0) / size) - row0 + 1;
  const bits = width * height <= Math.min(64 * n, 2 ** 30) ? new CellBits(col0, row0, width, height) : null;
  const firstTime: Marks = bits ? (col, row) => bits.mark(col, row) : tableMarks(n);
  const cols = new Int32Array(n);
  const rows = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const col = Math.floor((xy[2 * i] - x0) / size);
    const row = Math.floor((xy[2 * i + 1] - y0) / size);
    if (!firstTime(col, row)) continue;
    cols[count] = col;
    rows[count++] = row;
  }
  return { cols: cols.subarray(0, count), rows: rows.subarray(0, count), bits };
}

/** Marks a cell; true the first time it is marked. */
type Marks = (col: number, row: number) => boolean;

/** A box of cells, a bit each: marked when occupied. */
export class CellBits {
  private readonly bits: Int32Array;

  constructor(
    private readonly col0: number,
    private readonly row0: number,
    private readonly width: number,
    private readonly height: number,
  ) {
    this.bits = new Int32Array(Math.ceil((width * height) / 32));
  }

  covers(col: number, row: number): boolean {
    return col >= this.col0 && col < this.col0 + this.width && row >= this.row0 && row < this.row0 + this.height;
  }

  /** Marks a cell of the box; true the first time. */
  mark(col: number, row: number): boolean {
    const cell = (row - this.row0) * this.width + (col - this.col0);
    const bit = 1 << (cell & 31);
    if (this.bits[cell >> 5] & bit) return false;
    this.bits[cell >> 5] |= bit;
    return true;
  }
}

/** A table of (column, row) pairs (position-index.ts), for `n` marks at most. */
function tableMarks(n: number): Marks {
  const cells = new PairIndex(n);
  return (col, row) => {
    const before = cells.size;
    return cells.addPair(col, row) === before;
  };
}
