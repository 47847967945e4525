import type { MultiLineString, MultiPolygon, Polygon, Position } from "geojson";

/** A segment longer than half the world is a jump across the antimeridian (Natural Earth's ±180 cut). */
const isJump = (a: Position, b: Position) => Math.abs(b[0] - a[0]) > 180;

/**
 * Natural Earth lines cross the antimeridian (Fiji, Chukotka) as one segment from +180 to -180,
 * which a Web Mercator map draws right across the world; cut them there.
 */
export function cutLinesAtAntimeridian(lines: MultiLineString): MultiLineString {
  const out: Position[][] = [];
  for (const line of lines.coordinates) {
    let current: Position[] = [];
    for (const p of line) {
      const prev = current[current.length - 1];
      if (prev && isJump(prev, p)) {
        if (current.length > 1) out.push(current);
        current = [];
      }
      current.push(p);
    }
    if (current.length > 1) out.push(current);
  }
  return { type: "MultiLineString", coordinates: out };
}

/**
 * Longitudes made continuous: after a jump, later points are shifted by ∓360. `turns` is the net
 * shift at the end: 0 for an ordinary ring, ±360 for one that goes round a pole (Antarctica).
 */
function unwrap(ring: Position[]): { ring: Position[]; turns: number } {
  let shift = 0;
  const out: Position[] = [];
  for (let i = 0; i < ring.length; i++) {
    if (i > 0) {
      const dx = ring[i][0] - ring[i - 1][0];
      if (dx > 180) shift -= 360;
      else if (dx < -180) shift += 360;
    }
    out.push([ring[i][0] + shift, ring[i][1]]);
  }
  return { ring: out, turns: shift };
}

/** Twice the signed planar area (shoelace). */
function area2(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return a;
}

/** Sutherland–Hodgman clip of a closed ring to minX ≤ x ≤ maxX; null when nothing is left. */
function clipToStrip(ring: Position[], minX: number, maxX: number): Position[] | null {
  const clip = (points: Position[], inside: (p: Position) => boolean, edgeX: number): Position[] => {
    const out: Position[] = [];
    for (let i = 0; i < points.length; i++) {
      const a = points[i];
      const b = points[(i + 1) % points.length];
      const ia = inside(a);
      const ib = inside(b);
      if (ia) out.push(a);
      if (ia !== ib) out.push([edgeX, a[1] + ((edgeX - a[0]) * (b[1] - a[1])) / (b[0] - a[0])]);
    }
    return out;
  };
  // Work on the open ring (no repeated closing point), close it again at the end.
  let points = ring.slice(0, -1);
  points = clip(points, (p) => p[0] >= minX, minX);
  points = clip(points, (p) => p[0] <= maxX, maxX);
  if (points.length < 3 || Math.abs(area2(points)) < 1e-12) return null;
  return [...points, points[0]];
}

/**
 * One polygon whose rings cross the antimeridian → the polygons it is made of on each side of it,
 * with longitudes in [-180, 180]. A ring round a pole is closed along the pole first. Polygons
 * that do not cross are returned as they are.
 */
export function splitPolygonAtAntimeridian(rings: Position[][]): Position[][][] {
  if (!rings.some((ring) => ring.some((p, i) => i > 0 && isJump(ring[i - 1], p)))) return [rings];
  const unwrapped: Position[][] = [];
  for (const ring of rings) {
    const { ring: r, turns } = unwrap(ring);
    if (turns !== 0) {
      // It ends a world away from where it began: go down to the pole, back, and up to the start.
      // Along the pole in 90° steps, so that no edge of the result spans half the world.
      const pole = r.reduce((s, p) => s + p[1], 0) < 0 ? -90 : 90;
      const [from, to] = [r[r.length - 1][0], r[0][0]];
      for (let k = 0; k <= 4; k++) r.push([from + ((to - from) * k) / 4, pole]);
      r.push(r[0]);
    }
    // Rings of no area (Natural Earth's line along the pole) would clip to nothing anyway.
    if (Math.abs(area2(r)) > 1e-12) unwrapped.push(r);
  }
  if (unwrapped.length === 0) return [];
  const minX = Math.min(...unwrapped.flatMap((r) => r.map((p) => p[0])));
  const maxX = Math.max(...unwrapped.flatMap((r) => r.map((p) => p[0])));
  const parts: Position[][][] = [];
  for (let k = Math.floor((minX + 180) / 360); k <= Math.floor((maxX + 180) / 360); k++) {
    const [lo, hi] = [-180 + 360 * k, 180 + 360 * k];
    const [outer, ...holes] = unwrapped.map((r) => clipToStrip(r, lo, hi));
    if (!outer) continue;
    const shift = (r: Position[]) => r.map(([x, y]) => [Math.max(-180, Math.min(180, x - 360 * k)), y]);
    parts.push([shift(outer), ...holes.filter((h): h is Position[] => h !== null).map(shift)]);
  }
  return parts;
}

/** Land (Polygon or MultiPolygon) with every polygon split at the antimeridian. */
export function splitAreaAtAntimeridian(geometry: Polygon | MultiPolygon): MultiPolygon {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return { type: "MultiPolygon", coordinates: polygons.flatMap(splitPolygonAtAntimeridian) };
}
