/**
 * The range polygon: an alpha hull as the IUCN guidelines (§4.9) describe it. Delaunay-triangulate
 * the distinct positions (delaunator: maintained, robust predicates, fast; docs/distribution.md),
 * drop every triangle with an edge longer than α × the mean Delaunay edge length, and keep the
 * union of the rest. The union's outline is traced from the kept triangles' edges that no other
 * kept triangle shares, so no polygon clipping is needed.
 */
import Delaunator from "delaunator";
import { ringArea } from "./eoo";
import type { ProjectedPoints } from "./points";

export const DEFAULT_ALPHA = 2;

export interface AlphaHull {
  alpha: number;
  /** Outer rings each with their holes, counter-clockwise outers, projected metres, not closed. */
  polygons: [number, number][][][];
  /** Records (not positions) on a kept triangle, i.e. inside the hull or on its edge. */
  recordsInside: number;
  records: number;
}

export function alphaHull(points: ProjectedPoints, alpha = DEFAULT_ALPHA): AlphaHull {
  const records = points.weight.reduce((a, b) => a + b, 0);
  const n = points.xy.length / 2;
  const empty = { alpha, polygons: [], recordsInside: 0, records };
  if (n < 3) return empty;
  const d = new Delaunator(points.xy);
  const { triangles, halfedges } = d;
  const t = triangles.length / 3;
  if (t === 0) return empty;
  const len = (e: number) => {
    const a = triangles[e];
    const b = triangles[e % 3 === 2 ? e - 2 : e + 1];
    return Math.hypot(points.xy[2 * a] - points.xy[2 * b], points.xy[2 * a + 1] - points.xy[2 * b + 1]);
  };
  // Mean over distinct edges: a shared edge is counted from its lower half-edge only.
  let sum = 0;
  let edges = 0;
  for (let e = 0; e < triangles.length; e++) {
    if (halfedges[e] === -1 || halfedges[e] > e) {
      sum += len(e);
      edges++;
    }
  }
  const limit = alpha * (sum / edges);
  const kept = new Uint8Array(t);
  const onKept = new Uint8Array(n);
  for (let i = 0; i < t; i++) {
    if (len(3 * i) <= limit && len(3 * i + 1) <= limit && len(3 * i + 2) <= limit) {
      kept[i] = 1;
      onKept[triangles[3 * i]] = onKept[triangles[3 * i + 1]] = onKept[triangles[3 * i + 2]] = 1;
    }
  }
  let recordsInside = 0;
  for (let i = 0; i < n; i++) if (onKept[i]) recordsInside += points.weight[i];
  return { alpha, polygons: assemble(traceRings(triangles, halfedges, kept, points.xy)), recordsInside, records };
}

/** Closed walks along the boundary half-edges of the kept triangles. */
function traceRings(triangles: Uint32Array, halfedges: Int32Array, kept: Uint8Array, xy: Float64Array): [number, number][][] {
  const next = (e: number) => (e % 3 === 2 ? e - 2 : e + 1);
  // Boundary half-edges by their start vertex; a vertex where two parts touch has several.
  const from = new Map<number, number[]>();
  for (let e = 0; e < triangles.length; e++) {
    if (!kept[Math.floor(e / 3)]) continue;
    const o = halfedges[e];
    if (o !== -1 && kept[Math.floor(o / 3)]) continue;
    const list = from.get(triangles[e]);
    if (list) list.push(e);
    else from.set(triangles[e], [e]);
  }
  const rings: [number, number][][] = [];
  for (const [, list] of from) {
    while (list.length > 0) {
      const start = list.pop()!;
      const ring: [number, number][] = [];
      let e = start;
      for (;;) {
        const v = triangles[e];
        ring.push([xy[2 * v], xy[2 * v + 1]]);
        const end = triangles[next(e)];
        if (end === triangles[start]) break;
        const outgoing = from.get(end)!;
        e = outgoing.pop()!;
      }
      rings.push(ring);
    }
  }
  return rings;
}

/** Rings into polygons: delaunator's triangles turn one way, so outer rings share a sign and holes have the other. */
function assemble(rings: [number, number][][]): [number, number][][][] {
  if (rings.length === 0) return [];
  const signed = rings.map((r) => ({ ring: r, area: ringArea(r) }));
  const largest = signed.reduce((a, b) => (Math.abs(b.area) > Math.abs(a.area) ? b : a));
  const outerSign = Math.sign(largest.area);
  const outers = signed.filter((r) => Math.sign(r.area) === outerSign).map((o) => ({ ring: o.ring, box: boxOf(o.ring) }));
  const polygons = outers.map((o) => [outerSign > 0 ? o.ring : [...o.ring].reverse()]);
  for (const h of signed) {
    if (Math.sign(h.area) === outerSign) continue;
    // Holes turn clockwise, as GeoJSON (RFC 7946) asks.
    const hole = outerSign > 0 ? h.ring : [...h.ring].reverse();
    // A hole's vertices are record positions on its owner's triangles, so an owner always exists:
    // when one outer ring's box holds the hole, it is the owner, and no ring need be walked
    // (scattered records leave tens of thousands of small holes in one large part).
    const [x, y] = h.ring[0];
    const candidates = outers.map((o, i) => i).filter((i) => inBox(outers[i].box, x, y));
    const owner = candidates.length === 1 ? candidates[0] : candidates.find((i) => h.ring.some((p) => inside(p, outers[i].ring)));
    polygons[owner ?? 0].push(hole);
  }
  return polygons;
}

function boxOf(ring: [number, number][]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

const inBox = ([x0, y0, x1, y1]: [number, number, number, number], x: number, y: number) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

/** Ray casting; points on the boundary count either way, which the caller tolerates. */
function inside([x, y]: [number, number], ring: [number, number][]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
