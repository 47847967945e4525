/**
 * What may be published of a species whose products used accurate coordinates of sensitive
 * records. A hull's vertices are record positions and small cells nearly so; a sensitive record's
 * only public position is its generalised one, the centre of a cell of its generalisation grid.
 * So for such a species every record stands, in published geometry, for the four corners of its
 * generalisation cell (found from its public position), and the displayed cells are that grid's
 * cells or coarser: nothing published depends on an accurate coordinate, and the hulls of the
 * corners contain the hulls of the records (snapped outward). The EOO and AOO figures still use
 * the accurate coordinates: a number reveals no position.
 */
import type { Polygon } from "geojson";
import { roundPosition } from "./grid";

/** Generalisation grids the ALA uses (degrees), coarsest first. */
const GRIDS = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01] as const;
/** Positions are stored as float4: 145.3 reads back as 145.300003. */
const ON_GRID = 1e-3;

/**
 * The generalisation grid a public position lies on: the coarsest grid of which both coordinates
 * are multiples. A position on no grid gets the coarsest, 1°: the safe side.
 */
export function generalisationOf(lon: number, lat: number): number {
  for (const g of GRIDS) {
    if (Math.abs(lon / g - Math.round(lon / g)) < ON_GRID && Math.abs(lat / g - Math.round(lat / g)) < ON_GRID) return g;
  }
  return GRIDS[0];
}

/** The coarsest generalisation among the records that used accurate coordinates, or null when none did. */
export function snapGrid(publicLon: ArrayLike<number>, publicLat: ArrayLike<number>, accurate: ArrayLike<number>): number | null {
  let g: number | null = null;
  for (let i = 0; i < accurate.length; i++) {
    if (accurate[i]) g = Math.max(g ?? 0, generalisationOf(publicLon[i], publicLat[i]));
  }
  return g;
}

/** Each position's `grid`-cell corners (cells centred on multiples of the grid), distinct. */
export function cellCorners(lon: ArrayLike<number>, lat: ArrayLike<number>, grid: number): { lon: number[]; lat: number[] } {
  const seen = new Set<string>();
  const out = { lon: [] as number[], lat: [] as number[] };
  for (let i = 0; i < lon.length; i++) {
    const kx = Math.round(lon[i] / grid);
    const ky = Math.round(lat[i] / grid);
    for (const [dx, dy] of [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]]) {
      const key = `${2 * kx + 2 * dx},${2 * ky + 2 * dy}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.lon.push(round((kx + dx) * grid));
      out.lat.push(round((ky + dy) * grid));
    }
  }
  return out;
}

/**
 * Display cells for a snapped species: cells of `m` × `grid` degrees (m whole, so that the
 * cell is at least about `cellKm` and each generalisation cell lies in exactly one of them).
 */
export function degreeCells(lon: ArrayLike<number>, lat: ArrayLike<number>, grid: number, cellKm: number): { cells: Polygon[]; degrees: number } {
  const m = Math.max(1, Math.ceil(cellKm / 111.32 / grid - 1e-9));
  const size = m * grid;
  const seen = new Set<string>();
  const cells: Polygon[] = [];
  for (let i = 0; i < lon.length; i++) {
    const jx = Math.floor((Math.round(lon[i] / grid) + 0.5) / m);
    const jy = Math.floor((Math.round(lat[i] / grid) + 0.5) / m);
    const key = `${jx},${jy}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const x0 = (jx * m - 0.5) * grid;
    const y0 = (jy * m - 0.5) * grid;
    const ring: [number, number][] = [
      [x0, y0],
      [x0 + size, y0],
      [x0 + size, y0 + size],
      [x0, y0 + size],
      [x0, y0],
    ];
    cells.push({ type: "Polygon", coordinates: [ring.map(roundPosition)] });
  }
  return { cells, degrees: round(size) };
}

const round = (v: number) => Math.round(v * 1e9) / 1e9;
