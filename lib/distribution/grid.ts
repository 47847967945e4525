/**
 * The occupancy grid shown on the map: the cells holding records at a display resolution
 * (default 10 km), either square cells of the equal-area projection, or, for a species whose
 * positions must not be published finer than a generalisation grid, degree cells of that grid
 * (publish.ts).
 */
import type { Polygon } from "geojson";
import { occupiedCells, type CellBits } from "./aoo";
import type { ProjectedPoints } from "./points";
import type { Projection } from "./projection";

export const DEFAULT_DISPLAY_CELL_KM = 10;

/** Grids whose cells are kept (the most recently used last). */
const KEPT_GRIDS = 4;
/** Rows lie within ±ROWS / 2 of the origin: a 1 km grid (the least allowed) spans some 40 000. */
const ROWS = 2 ** 22;

/**
 * The polygons of the grids drawn lately, by cell. A species' grid stays put (its projection is
 * the species' frame, records.ts), so after a vetting nearly every occupied cell is one drawn
 * before, and the variant with contentious records draws the default one's cells again: the same
 * polygon spares their corners' projection and, in the store, their JSON text (geojson-text.ts).
 */
const keptGrids = new Map<string, Map<number, Polygon>>();

function keptCells(key: string): Map<number, Polygon> {
  const cells = keptGrids.get(key) ?? new Map<number, Polygon>();
  keptGrids.delete(key);
  keptGrids.set(key, cells);
  for (const old of keptGrids.keys()) if (keptGrids.size > KEPT_GRIDS) keptGrids.delete(old);
  return cells;
}

/** A display grid's occupied cells (anchored at the projection's origin) as lon/lat polygons, with what displayCellsAdding needs to add a superset's. */
export interface DisplayCells {
  cells: Polygon[];
  /** The occupied cells' bits, when a box of bits marked them. */
  bits: CellBits | null;
  size: number;
  projection: Projection;
}

export function displayCells(points: ProjectedPoints, cellKm: number): DisplayCells {
  const size = cellKm * 1000;
  // Anchored at the origin (the share −2 undoes occupiedCells' two-cell margin), so the grid stays put as records come and go.
  const { cols, rows, bits } = occupiedCells(points.xy, [0, 0], size, -2);
  const polygon = polygons(points.projection, size);
  const cells: Polygon[] = [];
  for (let c = 0; c < cols.length; c++) cells.push(polygon(cols[c], rows[c]));
  return { cells, bits, size, projection: points.projection };
}

/**
 * The base's cells and those `added` (x, y pairs) occupy besides, after them; the base's bits then
 * hold them all. Null when an added point lies outside the box of bits (or there are none): then
 * count the superset afresh.
 */
export function displayCellsAdding(base: DisplayCells, added: Float64Array): Polygon[] | null {
  const { bits, size } = base;
  if (!bits) return null;
  const at = (v: number) => Math.floor(v / size);
  for (let i = 0; i < added.length; i += 2) if (!bits.covers(at(added[i]), at(added[i + 1]))) return null;
  const polygon = polygons(base.projection, size);
  const cells = base.cells.slice();
  for (let i = 0; i < added.length; i += 2) {
    const col = at(added[i]);
    const row = at(added[i + 1]);
    if (bits.mark(col, row)) cells.push(polygon(col, row));
  }
  return cells;
}

/** A cell's polygon, from those drawn before when it was (keptGrids). */
function polygons(projection: Projection, size: number): (col: number, row: number) => Polygon {
  const kept = keptCells(`${projection.proj} ${size}`);
  return (col, row) => {
    // Rows and columns may be negative here (south and west of the centre).
    const key = col * ROWS + row;
    const known = kept.get(key);
    if (known) return known;
    const x0 = col * size;
    const y0 = row * size;
    const corners: [number, number][] = [
      [x0, y0],
      [x0 + size, y0],
      [x0 + size, y0 + size],
      [x0, y0 + size],
      [x0, y0],
    ];
    const polygon: Polygon = { type: "Polygon", coordinates: [corners.map(([x, y]) => roundPosition(projection.inverse(x, y)))] };
    kept.set(key, polygon);
    return polygon;
  };
}

/** 1e-6° (about 0.1 m) is finer than any record's position and keeps the GeoJSON small. */
export function roundPosition([lon, lat]: [number, number]): [number, number] {
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}
