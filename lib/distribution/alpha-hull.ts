/**
 * The range polygon: an alpha hull as the IUCN guidelines (§4.9) describe it. Delaunay-triangulate
 * the distinct positions (delaunator: maintained, robust predicates, fast; docs/distribution.md),
 * drop every triangle with an edge longer than α × the mean Delaunay edge length, and keep the
 * union of the rest. The union's outline is traced from the kept triangles' edges that no other
 * kept triangle shares, so no polygon clipping is needed.
 */
import Delaunator from "delaunator";
import { edgeLengths } from "./edge-lengths";
import type { Mesh } from "./mesh-update";
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

export function alphaHull(points: ProjectedPoints, alpha = DEFAULT_ALPHA, triangulation?: Mesh): AlphaHull {
  const records = points.weight.reduce((a, b) => a + b, 0);
  const n = points.xy.length / 2;
  const empty = { alpha, polygons: [], recordsInside: 0, records };
  if (n < 3) return empty;
  const d = triangulation ?? new Delaunator(points.xy);
  const { triangles, halfedges } = d;
  const t = triangles.length / 3;
  if (t === 0) return empty;
  const xy = points.xy;
  // Kept with a triangulation given (the hull thread's, changed for the next build: edge-lengths.ts).
  const { longest, mean } = triangulation ? (triangulation.lengths ??= edgeLengths(xy, triangulation)) : edgeLengths(xy, d);
  const limit = alpha * mean;
  const kept = new Uint8Array(t);
  const onKept = new Uint8Array(n);
  for (let i = 0; i < t; i++) {
    if (longest[i] <= limit) {
      kept[i] = 1;
      onKept[triangles[3 * i]] = onKept[triangles[3 * i + 1]] = onKept[triangles[3 * i + 2]] = 1;
    }
  }
  let recordsInside = 0;
  for (let i = 0; i < n; i++) if (onKept[i]) recordsInside += points.weight[i];
  return { alpha, polygons: assemble(traceRings(triangles, halfedges, kept, xy)), recordsInside, records };
}

/** A ring, and a point strictly inside the kept triangles it borders: the centroid of the largest of them. */
interface TracedRing {
  ring: [number, number][];
  inner: [number, number];
}

/**
 * Closed walks along the boundary half-edges of the kept triangles. The boundary half-edges are
 * listed per start vertex (a vertex where two parts touch has several) in flat arrays; vertices
 * are visited in the order their first boundary half-edge appears and each list is taken from its
 * end, so the rings come out as they always have.
 */
function traceRings(triangles: Uint32Array, halfedges: Int32Array, kept: Uint8Array, xy: Float64Array): TracedRing[] {
  const next = (e: number) => (e % 3 === 2 ? e - 2 : e + 1);
  const n = xy.length / 2;
  // The boundary half-edges, found in one pass: a kept triangle's edge with no kept triangle beyond.
  const boundary: number[] = [];
  for (let t = 0; t < kept.length; t++) {
    if (!kept[t]) continue;
    for (let e = 3 * t; e < 3 * t + 3; e++) {
      const o = halfedges[e];
      if (o === -1 || !kept[(o / 3) | 0]) boundary.push(e);
    }
  }
  const count = new Int32Array(n);
  const order: number[] = [];
  for (const e of boundary) if (count[triangles[e]]++ === 0) order.push(triangles[e]);
  const start = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) start[v + 1] = start[v] + count[v];
  const list = new Int32Array(start[n]);
  const left = new Int32Array(n);
  for (const e of boundary) {
    const v = triangles[e];
    list[start[v] + left[v]++] = e;
  }
  const pop = (v: number) => list[start[v] + --left[v]];
  // Twice a triangle's area.
  const area2 = (t: number) => {
    const [a, b, c] = [triangles[3 * t], triangles[3 * t + 1], triangles[3 * t + 2]];
    return Math.abs((xy[2 * b] - xy[2 * a]) * (xy[2 * c + 1] - xy[2 * a + 1]) - (xy[2 * b + 1] - xy[2 * a + 1]) * (xy[2 * c] - xy[2 * a]));
  };
  const rings: TracedRing[] = [];
  for (const vertex of order) {
    while (left[vertex] > 0) {
      const first = pop(vertex);
      const ring: [number, number][] = [];
      let e = first;
      let largest = (first / 3) | 0;
      let largestArea = area2(largest);
      for (;;) {
        const v = triangles[e];
        ring.push([xy[2 * v], xy[2 * v + 1]]);
        const t = (e / 3) | 0;
        const a = area2(t);
        if (a > largestArea) (largest = t), (largestArea = a);
        const end = triangles[next(e)];
        if (end === triangles[first]) break;
        e = pop(end);
      }
      const [a, b, c] = [triangles[3 * largest], triangles[3 * largest + 1], triangles[3 * largest + 2]];
      rings.push({ ring, inner: [(xy[2 * a] + xy[2 * b] + xy[2 * c]) / 3, (xy[2 * a + 1] + xy[2 * b + 1] + xy[2 * c + 1]) / 3] });
    }
  }
  return rings;
}

/** Rings into polygons: delaunator's triangles turn one way, so outer rings share a sign and holes have the other. */
function assemble(rings: TracedRing[]): [number, number][][][] {
  if (rings.length === 0) return [];
  const signed = rings.map((r) => ({ ...r, area: ringArea(r.ring) }));
  const largest = signed.reduce((a, b) => (Math.abs(b.area) > Math.abs(a.area) ? b : a));
  const outerSign = Math.sign(largest.area);
  const outers = signed.filter((r) => Math.sign(r.area) === outerSign).map((o) => ({ ring: o.ring, area: Math.abs(o.area), box: boxOf(o.ring) }));
  const polygons = outers.map((o) => [outerSign > 0 ? o.ring : [...o.ring].reverse()]);
  const boxes = new BoxIndex(outers.map((o) => o.box));
  const rayIndex = new Map<number, RingIndex>();
  const insideOuter = (p: [number, number], i: number) => {
    let index = rayIndex.get(i);
    if (!index) rayIndex.set(i, (index = new RingIndex(outers[i].ring)));
    return index.inside(p);
  };
  for (const h of signed) {
    if (Math.sign(h.area) === outerSign) continue;
    // Holes turn clockwise, as GeoJSON (RFC 7946) asks.
    const hole = outerSign > 0 ? h.ring : [...h.ring].reverse();
    // The hole's owner is the outer ring of the triangles it borders. A point strictly inside one
    // of them lies within that outer ring, and within another outer ring only when the whole part
    // lies in a hole of that ring's part, inside it: so the owner is the smallest outer ring
    // around the point. No ring needs walking when one box holds the point, as for most holes.
    // (Labelling the parts by a flood fill over all kept triangles did the same in 50–100 ms.)
    const candidates = boxes.containing(h.inner[0], h.inner[1]);
    let owner = candidates.length === 1 ? candidates[0] : undefined;
    for (const i of candidates.length > 1 ? candidates : []) {
      if ((owner === undefined || outers[i].area < outers[owner].area) && insideOuter(h.inner, i)) owner = i;
    }
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

type Box = [number, number, number, number];

/** At most this many grid cells to a side: enough that each cell lists a few boxes, few enough to build in no time. */
const MAX_BOX_GRID = 256;

/**
 * The boxes containing a point, in ascending order, as a scan over all boxes would give them, but
 * from a uniform grid over their extent (each box listed in every cell it touches).
 */
class BoxIndex {
  private readonly x0: number;
  private readonly y0: number;
  private readonly w: number;
  private readonly h: number;
  private readonly side: number;
  private readonly cells: number[][] = [];

  constructor(private readonly boxes: Box[]) {
    // About one box per cell: a small species' few rings get a small grid.
    this.side = Math.max(1, Math.min(MAX_BOX_GRID, Math.ceil(Math.sqrt(boxes.length))));
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const b of boxes) {
      x0 = Math.min(x0, b[0]);
      y0 = Math.min(y0, b[1]);
      x1 = Math.max(x1, b[2]);
      y1 = Math.max(y1, b[3]);
    }
    this.x0 = x0;
    this.y0 = y0;
    this.w = (x1 - x0) / this.side || 1;
    this.h = (y1 - y0) / this.side || 1;
    for (let c = 0; c < this.side * this.side; c++) this.cells.push([]);
    boxes.forEach((b, i) => {
      const [c0, r0] = [this.col(b[0]), this.row(b[1])];
      const [c1, r1] = [this.col(b[2]), this.row(b[3])];
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) this.cells[r * this.side + c].push(i);
    });
  }

  private col(x: number): number {
    return Math.max(0, Math.min(this.side - 1, Math.floor((x - this.x0) / this.w)));
  }

  private row(y: number): number {
    return Math.max(0, Math.min(this.side - 1, Math.floor((y - this.y0) / this.h)));
  }

  /** (Cell bounds are monotone in x and y, so a box containing the point is listed in the point's cell.) */
  containing(x: number, y: number): number[] {
    return this.cells[this.row(y) * this.side + this.col(x)].filter((i) => inBox(this.boxes[i], x, y));
  }
}

/** Horizontal bands of a ring's y extent, this many vertices to a band on average. */
const VERTICES_PER_BAND = 8;

/**
 * Ray casting against one ring through bands of its y extent: each edge is listed in every band
 * its y range touches, so only the edges a horizontal line can cross are tested, with the same
 * test as a walk of the whole ring (the crossings' parity does not depend on their order).
 */
class RingIndex {
  private readonly y0: number;
  private readonly h: number;
  private readonly bands: number;
  private readonly start: Int32Array;
  private readonly edges: Int32Array;

  constructor(private readonly ring: [number, number][]) {
    let [y0, y1] = [Infinity, -Infinity];
    for (const [, y] of ring) {
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
    this.bands = Math.max(1, Math.ceil(ring.length / VERTICES_PER_BAND));
    this.y0 = y0;
    this.h = (y1 - y0) / this.bands || 1;
    const count = new Int32Array(this.bands + 1);
    const span = (i: number): [number, number] => {
      const a = ring[i][1];
      const b = ring[i === 0 ? ring.length - 1 : i - 1][1];
      return [this.band(Math.min(a, b)), this.band(Math.max(a, b))];
    };
    for (let i = 0; i < ring.length; i++) {
      const [b0, b1] = span(i);
      for (let b = b0; b <= b1; b++) count[b + 1]++;
    }
    for (let b = 0; b < this.bands; b++) count[b + 1] += count[b];
    this.start = count.slice();
    this.edges = new Int32Array(count[this.bands]);
    for (let i = 0; i < ring.length; i++) {
      const [b0, b1] = span(i);
      for (let b = b0; b <= b1; b++) this.edges[count[b]++] = i;
    }
  }

  private band(y: number): number {
    return Math.max(0, Math.min(this.bands - 1, Math.floor((y - this.y0) / this.h)));
  }

  /** Points on the boundary count either way, which the caller tolerates. */
  inside([x, y]: [number, number]): boolean {
    const ring = this.ring;
    const b = this.band(y);
    let c = false;
    for (let k = this.start[b]; k < this.start[b + 1]; k++) {
      const i = this.edges[k];
      const j = i === 0 ? ring.length - 1 : i - 1;
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  }
}
