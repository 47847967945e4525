/**
 * Area of occupancy: the number of grid cells holding at least one record, times the cell's area,
 * on a grid in the equal-area projection centred on the records (IUCN guidelines §4.10: 2 × 2 km).
 * Where the grid lies changes the count, so, as ConR's cell.occupied does, the grid is laid at
 * several offsets along the diagonal and the smallest count is taken. ConR's grid starts at
 * floor(min) − 2 cells − offset in each axis; so does this one, so counts match cell for cell.
 */
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
  const n = points.xy.length / 2;
  if (n === 0) return null;
  const size = settings.cellKm * 1000;
  const origin = gridOrigin(points.xy);
  const counts = settings.offsets.map((share) => countCells(points.xy, origin, size, share));
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
 * as column/row keys (`col * 2^26 + row`; |row| stays far below 2^25 for any grid on Earth).
 */
export function occupiedCells(xy: Float64Array, origin: [number, number], size: number, share: number): Set<number> {
  const x0 = origin[0] - share * size - 2 * size;
  const y0 = origin[1] - share * size - 2 * size;
  const cells = new Set<number>();
  for (let i = 0; i < xy.length; i += 2) {
    const col = Math.floor((xy[i] - x0) / size);
    const row = Math.floor((xy[i + 1] - y0) / size);
    cells.add(col * CELL_KEY + row);
  }
  return cells;
}

export const CELL_KEY = 2 ** 26;

/**
 * occupiedCells().size with an open-addressing table of (column, row) pairs in typed arrays: over
 * a million positions several times faster than a Set, and than sorting the keys (profiled).
 * Columns and rows are ≥ 2 (the grid starts two cells before the smallest position) and far below 2^31.
 */
function countCells(xy: Float64Array, origin: [number, number], size: number, share: number): number {
  const x0 = origin[0] - share * size - 2 * size;
  const y0 = origin[1] - share * size - 2 * size;
  const n = xy.length / 2;
  let tableSize = 2;
  while (tableSize < n * 2) tableSize <<= 1;
  const mask = tableSize - 1;
  // A stored pair is (col + 1, row); col + 1 is never 0, so 0 marks an empty slot.
  const cols = new Int32Array(tableSize);
  const rows = new Int32Array(tableSize);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const col = Math.floor((xy[2 * i] - x0) / size) + 1;
    const row = Math.floor((xy[2 * i + 1] - y0) / size);
    let h = (Math.imul(col ^ Math.imul(row, 0x85ebca6b), 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      if (cols[h] === 0) {
        cols[h] = col;
        rows[h] = row;
        count++;
        break;
      }
      if (cols[h] === col && rows[h] === row) break;
      h = (h + 1) & mask;
    }
  }
  return count;
}
