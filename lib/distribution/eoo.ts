/**
 * Extent of occurrence: the area of the minimum convex polygon around the records (IUCN guidelines
 * §4.9). The hull is found in the equal-area projection centred on the records (GeoCAT, rCAT),
 * which copes with the antimeridian; its edges are then taken as geodesics, as ConR (sf on the
 * spheroid) and red (geosphere::areaPolygon) take them, and the area measured in the same
 * projection after dividing each edge into short great-circle steps. Straight projected edges
 * alone would overstate a continent-wide hull by a percent or more.
 */
import type { Mesh } from "./mesh-update";
import type { ProjectedPoints } from "./points";
import type { Projection } from "./projection";

export type EooResult =
  | { computable: true; km2: number; hull: [number, number][] }
  | { computable: false; reason: string };

/**
 * Collinearity tolerance: a hull thinner than this share of its longest extent has no area worth
 * the name (float noise along a straight line of records).
 */
const FLAT = 1e-9;

/** `triangulation`, delaunator's of the same points when the caller has it, gives the hull's candidates for free. */
export function eoo(points: ProjectedPoints, triangulation?: Mesh): EooResult {
  const n = points.xy.length / 2;
  if (n < 3) {
    return { computable: false, reason: `EOO needs at least 3 distinct positions; the records that count have ${n}.` };
  }
  const hull = convexHull(points.xy, triangulation);
  const extent = hullDiameter(hull);
  if (hull.length < 3 || Math.abs(ringArea(hull)) <= FLAT * extent * extent) {
    return { computable: false, reason: `EOO is not computable: the ${n} distinct positions lie on one straight line.` };
  }
  return { computable: true, km2: Math.abs(ringArea(geodesicRing(hull, points.projection))) / 1e6, hull };
}

/** Longest step along an edge, metres: the great circle and its projected chord then differ by centimetres. */
const STEP_M = 5_000;
const RAD = Math.PI / 180;

/** The ring with each edge replaced by its great circle, sampled every STEP_M, in the projection. */
export function geodesicRing(ring: [number, number][], projection: Projection): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / STEP_M));
    out.push(a);
    if (steps === 1) continue;
    const u = unit(projection.inverse(a[0], a[1]));
    const v = unit(projection.inverse(b[0], b[1]));
    const omega = Math.acos(Math.max(-1, Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2])));
    if (omega < 1e-12) continue;
    for (let k = 1; k < steps; k++) {
      const t = k / steps;
      const s0 = Math.sin((1 - t) * omega) / Math.sin(omega);
      const s1 = Math.sin(t * omega) / Math.sin(omega);
      const x = s0 * u[0] + s1 * v[0];
      const y = s0 * u[1] + s1 * v[1];
      const z = s0 * u[2] + s1 * v[2];
      out.push(projection.forward(Math.atan2(y, x) / RAD, Math.atan2(z, Math.hypot(x, y)) / RAD));
    }
  }
  return out;
}

function unit([lon, lat]: [number, number]): [number, number, number] {
  return [Math.cos(lat * RAD) * Math.cos(lon * RAD), Math.cos(lat * RAD) * Math.sin(lon * RAD), Math.sin(lat * RAD)];
}

/**
 * Andrew's monotone chain; counter-clockwise, not closed, no collinear vertices, over candidates
 * that include every hull vertex: the hull of a Delaunay triangulation of the same points when
 * given (it has the hull already, so a million points cost nothing more), else the points outside
 * the octagon of eight extreme points (Akl–Toussaint), a few thousand of a million scattered records.
 */
export function convexHull(xy: Float64Array, triangulation?: Mesh): [number, number][] {
  const pts = triangulation && triangulation.triangles.length > 0 ? Array.from(triangulation.hull, (i): [number, number] => [xy[2 * i], xy[2 * i + 1]]) : candidates(xy);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

function candidates(xy: Float64Array): [number, number][] {
  const n = xy.length / 2;
  // The extreme points in eight directions (x, x + y, y, y - x, …), counter-clockwise: those
  // strictly inside their octagon cannot be on the hull. A quadrilateral of four left most of a
  // continent's dense coasts to sort (profiled); the octagon cuts them.
  const dirs = [[-1, 0], [-1, -1], [0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1]];
  const best = dirs.map(() => 0);
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < 8; k++) {
      const [dx, dy] = dirs[k];
      const j = best[k];
      if (dx * xy[2 * i] + dy * xy[2 * i + 1] > dx * xy[2 * j] + dy * xy[2 * j + 1]) best[k] = i;
    }
  }
  const poly = best.map((i) => [xy[2 * i], xy[2 * i + 1]]);
  const ex = new Float64Array(8);
  const ey = new Float64Array(8);
  const ax = new Float64Array(8);
  const ay = new Float64Array(8);
  for (let k = 0; k < 8; k++) {
    const [x0, y0] = poly[k];
    const [x1, y1] = poly[(k + 1) % 8];
    ax[k] = x0;
    ay[k] = y0;
    ex[k] = x1 - x0;
    ey[k] = y1 - y0;
  }
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    let strictlyInside = true;
    for (let k = 0; k < 8 && strictlyInside; k++) {
      // A point extreme in two directions gives a zero edge, which bounds nothing: skipped.
      if ((ex[k] !== 0 || ey[k] !== 0) && ex[k] * (y - ay[k]) - ey[k] * (x - ax[k]) <= 0) strictlyInside = false;
    }
    if (!strictlyInside) out.push([x, y]);
  }
  return out;
}

/** Signed area (shoelace): positive when counter-clockwise. The ring is not closed. */
export function ringArea(ring: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return sum / 2;
}

function hullDiameter(hull: [number, number][]): number {
  let max = 0;
  for (const a of hull) for (const b of hull) max = Math.max(max, Math.hypot(a[0] - b[0], a[1] - b[1]));
  return max;
}
