/**
 * What a model is fitted on: the presences (the records that count, thinned to one per raster
 * cell) and a seeded random background of the layers' data cells, as flat rows of variable values.
 */
import { cellCentre, cellOf, hasData, type LoadedLayers } from "./layers";

/** The measure of how much a species was recorded: distinct positions at 0.05°. */
export const LOCATION_GRID_DEGREES = 0.05;

export function distinctLocations(lon: ArrayLike<number>, lat: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < lon.length; i++) seen.add(Math.floor((lon[i] + 540) / LOCATION_GRID_DEGREES) * 1e5 + Math.floor((lat[i] + 90) / LOCATION_GRID_DEGREES));
  return seen.size;
}

/** The distinct raster cells with data in every variable holding at least one record, in first-seen order. */
export function presenceCells(layers: LoadedLayers, lon: ArrayLike<number>, lat: ArrayLike<number>): Int32Array {
  const seen = new Set<number>();
  const cells: number[] = [];
  for (let i = 0; i < lon.length; i++) {
    const cell = cellOf(layers.grid, lon[i], lat[i]);
    if (cell < 0 || seen.has(cell)) continue;
    seen.add(cell);
    if (hasData(layers, cell)) cells.push(cell);
  }
  return Int32Array.from(cells);
}

/** mulberry32: small, seeded, and the same on every platform. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Up to `count` distinct data cells drawn at random (a partial Fisher-Yates shuffle), sorted. */
export function backgroundCells(layers: LoadedLayers, count: number, seed: number): Int32Array {
  const n = layers.grid.width * layers.grid.height;
  const valid: number[] = [];
  for (let cell = 0; cell < n; cell++) if (hasData(layers, cell)) valid.push(cell);
  if (valid.length > count) {
    const next = random(seed);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(next() * (valid.length - i));
      [valid[i], valid[j]] = [valid[j], valid[i]];
    }
    valid.length = count;
  }
  return Int32Array.from(valid).sort();
}

/** Flat rows (cells × variables) and cell-centre positions (lon, lat per cell). */
export function rowsOf(layers: LoadedLayers, cells: Int32Array): { rows: Float64Array; positions: Float64Array } {
  const nv = layers.columns.length;
  const rows = new Float64Array(cells.length * nv);
  const positions = new Float64Array(cells.length * 2);
  for (let r = 0; r < cells.length; r++) {
    for (let v = 0; v < nv; v++) rows[r * nv + v] = layers.columns[v][cells[r]];
    const [lon, lat] = cellCentre(layers.grid, cells[r]);
    positions[2 * r] = lon;
    positions[2 * r + 1] = lat;
  }
  return { rows, positions };
}
