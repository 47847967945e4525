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
    const dx = points.xy[2 * a] - points.xy[2 * b];
    const dy = points.xy[2 * a + 1] - points.xy[2 * b + 1];
    // Not Math.hypot: several times slower in V8, over millions of edges (profiled).
    return Math.sqrt(dx * dx + dy * dy);
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
  const component = components(halfedges, kept);
  const rings = traceRings(triangles, halfedges, kept, points.xy).map((r) => ({ ring: r.ring, component: component[r.triangle] }));
  return { alpha, polygons: assemble(rings), recordsInside, records };
}

/**
 * Kept triangles joined through shared edges (union-find): triangles sharing an edge lie in one
 * polygon of the hull, so a hole bordering a component belongs to that component's outer ring.
 */
function components(halfedges: Int32Array, kept: Uint8Array): Int32Array {
  const parent = Int32Array.from(kept, (_, i) => i);
  const find = (i: number) => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (let e = 0; e < halfedges.length; e++) {
    const o = halfedges[e];
    if (o < e) continue; // each edge once, boundary edges (-1) never
    const a = Math.floor(e / 3);
    const b = Math.floor(o / 3);
    if (kept[a] && kept[b]) parent[find(a)] = find(b);
  }
  for (let i = 0; i < parent.length; i++) parent[i] = find(i);
  return parent;
}

/** Closed walks along the boundary half-edges of the kept triangles, each with the triangle it starts on. */
function traceRings(triangles: Uint32Array, halfedges: Int32Array, kept: Uint8Array, xy: Float64Array): { ring: [number, number][]; triangle: number }[] {
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
  const rings: { ring: [number, number][]; triangle: number }[] = [];
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
      rings.push({ ring, triangle: Math.floor(start / 3) });
    }
  }
  return rings;
}

/** Rings into polygons: delaunator's triangles turn one way, so outer rings share a sign and holes have the other. */
function assemble(rings: { ring: [number, number][]; component: number }[]): [number, number][][][] {
  if (rings.length === 0) return [];
  const signed = rings.map((r) => ({ ...r, area: ringArea(r.ring) }));
  const largest = signed.reduce((a, b) => (Math.abs(b.area) > Math.abs(a.area) ? b : a));
  const outerSign = Math.sign(largest.area);
  const outers = signed.filter((r) => Math.sign(r.area) === outerSign).map((o) => ({ ring: o.ring, component: o.component, box: boxOf(o.ring) }));
  const polygons = outers.map((o) => [outerSign > 0 ? o.ring : [...o.ring].reverse()]);
  const byComponent = new Map<number, number[]>();
  outers.forEach((o, i) => {
    const list = byComponent.get(o.component);
    if (list) list.push(i);
    else byComponent.set(o.component, [i]);
  });
  for (const h of signed) {
    if (Math.sign(h.area) === outerSign) continue;
    // Holes turn clockwise, as GeoJSON (RFC 7946) asks.
    const hole = outerSign > 0 ? h.ring : [...h.ring].reverse();
    // The hole borders triangles of one component, which lie in one polygon: the outer ring of
    // that component owns it. Only where rings pinch at a vertex (a component with several outer
    // rings, or none) are rings walked: a hole's vertices are record positions on its owner's
    // triangles, so an owner always exists. Scattered records leave tens of thousands of small
    // holes in one large part; walking its ring for each was most of the hull's time.
    const [x, y] = h.ring[0];
    const same = (byComponent.get(h.component) ?? []).filter((i) => inBox(outers[i].box, x, y));
    const candidates = same.length > 0 ? same : outers.map((o, i) => i).filter((i) => inBox(outers[i].box, x, y));
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
