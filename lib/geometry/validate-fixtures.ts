// Shapes for the geometry and vetting tests.
import type { Polygon, Position } from "geojson";

/** A closed, counter-clockwise square ring. */
export const squareRing = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

export const squarePolygon = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: "Polygon",
  coordinates: [squareRing(x0, y0, x1, y1)],
});

/** A closed star ring of `n` corners around (lon, lat): many vertices, no self-intersection. */
export function starRing(n: number, lon = 140, lat = -25, outer = 1, inner = 0.6): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    const r = i % 2 ? inner : outer;
    ring.push([lon + r * Math.cos(a), lat + r * Math.sin(a)]);
  }
  ring.push(ring[0]);
  return ring;
}

/** Crosses itself at (141, -29). */
export const BOW_TIE: Position[] = [[140, -30], [142, -28], [142, -30], [140, -28], [140, -30]];
