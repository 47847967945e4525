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

/**
 * Polygons as flat arrays: ring r's vertices are ringSizes[r] (x, y) pairs of `coords` after the
 * rings before it, and polygon p is polygonSizes[p] rings (its outer ring, then its holes). The
 * hull thread makes them so and transfers them (hulls.ts): no pair of its hundred thousand
 * vertices is an array of its own there.
 */
export interface FlatPolygons {
  coords: Float64Array;
  ringSizes: Int32Array;
  polygonSizes: Int32Array;
}

export type FlatAlphaHull = Omit<AlphaHull, "polygons"> & FlatPolygons;

export function alphaHull(points: ProjectedPoints, alpha = DEFAULT_ALPHA, triangulation?: Mesh): AlphaHull {
  return nestedHull(flatAlphaHull(points, alpha, triangulation));
}

/** A flat alpha hull with its polygons as nested arrays of [x, y] pairs. */
export function nestedHull({ coords, ringSizes, polygonSizes, ...figures }: FlatAlphaHull): AlphaHull {
  return { ...figures, polygons: polygonsOf({ coords, ringSizes, polygonSizes }) };
}

/** alphaHull with its polygons as flat arrays. */
export function flatAlphaHull(points: ProjectedPoints, alpha = DEFAULT_ALPHA, triangulation?: Mesh): FlatAlphaHull {
  const records = points.weight.reduce((a, b) => a + b, 0);
  const n = points.xy.length / 2;
  const empty = { alpha, coords: new Float64Array(0), ringSizes: new Int32Array(0), polygonSizes: new Int32Array(0), recordsInside: 0, records };
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
  return { alpha, ...assemble(traceRings(triangles, halfedges, kept, xy)), recordsInside, records };
}

/** Flat polygons as nested arrays of [x, y] pairs. */
function polygonsOf({ coords, ringSizes, polygonSizes }: FlatPolygons): [number, number][][][] {
  const polygons: [number, number][][][] = [];
  let k = 0;
  let r = 0;
  for (const rings of polygonSizes) {
    const polygon: [number, number][][] = [];
    for (let i = 0; i < rings; i++, r++) {
      const ring: [number, number][] = new Array(ringSizes[r]);
      for (let j = 0; j < ringSizes[r]; j++, k += 2) ring[j] = [coords[k], coords[k + 1]];
      polygon.push(ring);
    }
    polygons.push(polygon);
  }
  return polygons;
}

/**
 * Traced rings: ring r is the vertices start[r] to start[r + 1] - 1 of `coords` (x, y pairs), and
 * (inner[2r], inner[2r + 1]) a point strictly inside the kept triangles it borders: the centroid of
 * the largest of them.
 */
interface TracedRings {
  coords: Float64Array;
  start: Int32Array;
  inner: Float64Array;
}

/**
 * Closed walks along the boundary half-edges of the kept triangles. The boundary half-edges are
 * listed per start vertex (a vertex where two parts touch has several) in flat arrays; vertices
 * are visited in the order their first boundary half-edge appears and each list is taken from its
 * end, so the rings come out as they always have. Each boundary half-edge gives its ring one vertex.
 */
function traceRings(triangles: Uint32Array, halfedges: Int32Array, kept: Uint8Array, xy: Float64Array): TracedRings {
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
  for (let i = 0; i < boundary.length; i++) if (count[triangles[boundary[i]]]++ === 0) order.push(triangles[boundary[i]]);
  const first = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) first[v + 1] = first[v] + count[v];
  const list = new Int32Array(first[n]);
  const left = new Int32Array(n);
  for (let i = 0; i < boundary.length; i++) {
    const v = triangles[boundary[i]];
    list[first[v] + left[v]++] = boundary[i];
  }
  const coords = new Float64Array(2 * boundary.length);
  const starts: number[] = [0];
  const inner: number[] = [];
  let k = 0;
  for (let o = 0; o < order.length; o++) {
    const vertex = order[o];
    while (left[vertex] > 0) {
      const from = list[first[vertex] + --left[vertex]];
      const end0 = triangles[from];
      let e = from;
      let largest = (from / 3) | 0;
      let largestArea = area2(triangles, xy, largest);
      for (;;) {
        const v = triangles[e];
        coords[k++] = xy[2 * v];
        coords[k++] = xy[2 * v + 1];
        const t = (e / 3) | 0;
        const a = area2(triangles, xy, t);
        if (a > largestArea) (largest = t), (largestArea = a);
        const end = triangles[e % 3 === 2 ? e - 2 : e + 1];
        if (end === end0) break;
        e = list[first[end] + --left[end]];
      }
      starts.push(k / 2);
      const [a, b, c] = [triangles[3 * largest], triangles[3 * largest + 1], triangles[3 * largest + 2]];
      inner.push((xy[2 * a] + xy[2 * b] + xy[2 * c]) / 3, (xy[2 * a + 1] + xy[2 * b + 1] + xy[2 * c + 1]) / 3);
    }
  }
  return { coords, start: Int32Array.from(starts), inner: Float64Array.from(inner) };
}

/** Twice triangle t's area. */
function area2(triangles: Uint32Array, xy: Float64Array, t: number): number {
  const a = triangles[3 * t];
  const b = triangles[3 * t + 1];
  const c = triangles[3 * t + 2];
  return Math.abs((xy[2 * b] - xy[2 * a]) * (xy[2 * c + 1] - xy[2 * a + 1]) - (xy[2 * b + 1] - xy[2 * a + 1]) * (xy[2 * c] - xy[2 * a]));
}

/** A flat ring's signed area (eoo.ts ringArea's sum, in the same order). */
function flatRingArea(coords: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from, j = to - 1; i < to; j = i++) sum += (coords[2 * j] - coords[2 * i]) * (coords[2 * j + 1] + coords[2 * i + 1]);
  return sum / 2;
}

/** Rings into polygons: delaunator's triangles turn one way, so outer rings share a sign and holes have the other. */
function assemble({ coords, start, inner }: TracedRings): FlatPolygons {
  const rings = start.length - 1;
  if (rings === 0) return { coords, ringSizes: new Int32Array(0), polygonSizes: new Int32Array(0) };
  const area = new Float64Array(rings);
  let largest = 0;
  for (let r = 0; r < rings; r++) {
    area[r] = flatRingArea(coords, start[r], start[r + 1]);
    if (Math.abs(area[r]) > Math.abs(area[largest])) largest = r;
  }
  const outerSign = Math.sign(area[largest]);
  const outers: number[] = [];
  for (let r = 0; r < rings; r++) if (Math.sign(area[r]) === outerSign) outers.push(r);
  const boxes = new BoxIndex(outers.map((r) => boxOf(coords, start[r], start[r + 1])));
  const rayIndex = new Map<number, RingIndex>();
  const insideOuter = (x: number, y: number, i: number) => {
    let index = rayIndex.get(i);
    if (!index) rayIndex.set(i, (index = new RingIndex(coords, start[outers[i]], start[outers[i] + 1])));
    return index.inside(x, y);
  };
  const holes: number[][] = outers.map(() => []);
  for (let h = 0; h < rings; h++) {
    if (Math.sign(area[h]) === outerSign) continue;
    // The hole's owner is the outer ring of the triangles it borders. A point strictly inside one
    // of them lies within that outer ring, and within another outer ring only when the whole part
    // lies in a hole of that ring's part, inside it: so the owner is the smallest outer ring
    // around the point. No ring needs walking when one box holds the point, as for most holes.
    // (Labelling the parts by a flood fill over all kept triangles did the same in 50–100 ms.)
    const [x, y] = [inner[2 * h], inner[2 * h + 1]];
    const candidates = boxes.containing(x, y);
    let owner = candidates.length === 1 ? candidates[0] : undefined;
    for (const i of candidates.length > 1 ? candidates : []) {
      if ((owner === undefined || Math.abs(area[outers[i]]) < Math.abs(area[outers[owner]])) && insideOuter(x, y, i)) owner = i;
    }
    holes[owner ?? 0].push(h);
  }
  // Outer rings counter-clockwise and holes clockwise, as GeoJSON (RFC 7946) asks: all reversed
  // when the traced outers turn the other way.
  const reverse = outerSign < 0;
  const out = new Float64Array(coords.length);
  const ringSizes = new Int32Array(rings);
  const polygonSizes = new Int32Array(outers.length);
  let k = 0;
  let written = 0;
  const copy = (r: number) => {
    const [from, to] = [start[r], start[r + 1]];
    if (reverse) for (let i = to - 1; i >= from; i--) (out[k++] = coords[2 * i]), (out[k++] = coords[2 * i + 1]);
    else for (let i = from; i < to; i++) (out[k++] = coords[2 * i]), (out[k++] = coords[2 * i + 1]);
    ringSizes[written++] = to - from;
  };
  outers.forEach((r, i) => {
    copy(r);
    for (const h of holes[i]) copy(h);
    polygonSizes[i] = 1 + holes[i].length;
  });
  return { coords: out, ringSizes, polygonSizes };
}

function boxOf(coords: Float64Array, from: number, to: number): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = from; i < to; i++) {
    const [x, y] = [coords[2 * i], coords[2 * i + 1]];
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
  private readonly size: number;

  /** The ring of vertices `from` to `to` - 1 of `coords` (x, y pairs). */
  constructor(
    private readonly coords: Float64Array,
    private readonly from: number,
    to: number,
  ) {
    const size = (this.size = to - from);
    const yOf = (i: number) => coords[2 * (from + i) + 1];
    let [y0, y1] = [Infinity, -Infinity];
    for (let i = 0; i < size; i++) {
      y0 = Math.min(y0, yOf(i));
      y1 = Math.max(y1, yOf(i));
    }
    this.bands = Math.max(1, Math.ceil(size / VERTICES_PER_BAND));
    this.y0 = y0;
    this.h = (y1 - y0) / this.bands || 1;
    const count = new Int32Array(this.bands + 1);
    const span = (i: number): [number, number] => {
      const a = yOf(i);
      const b = yOf(i === 0 ? size - 1 : i - 1);
      return [this.band(Math.min(a, b)), this.band(Math.max(a, b))];
    };
    for (let i = 0; i < size; i++) {
      const [b0, b1] = span(i);
      for (let b = b0; b <= b1; b++) count[b + 1]++;
    }
    for (let b = 0; b < this.bands; b++) count[b + 1] += count[b];
    this.start = count.slice();
    this.edges = new Int32Array(count[this.bands]);
    for (let i = 0; i < size; i++) {
      const [b0, b1] = span(i);
      for (let b = b0; b <= b1; b++) this.edges[count[b]++] = i;
    }
  }

  private band(y: number): number {
    return Math.max(0, Math.min(this.bands - 1, Math.floor((y - this.y0) / this.h)));
  }

  /** Points on the boundary count either way, which the caller tolerates. */
  inside(x: number, y: number): boolean {
    const { coords, from, size } = this;
    const b = this.band(y);
    let c = false;
    for (let k = this.start[b]; k < this.start[b + 1]; k++) {
      const i = this.edges[k];
      const j = i === 0 ? size - 1 : i - 1;
      const [xi, yi] = [coords[2 * (from + i)], coords[2 * (from + i) + 1]];
      const [xj, yj] = [coords[2 * (from + j)], coords[2 * (from + j) + 1]];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  }
}
