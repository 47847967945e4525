import Flatbush from "flatbush";
import type { MultiPolygon, Polygon, Position } from "geojson";

/** A vetting area: what lib/geometry/validate.ts accepts. */
export type Area = Polygon | MultiPolygon;

/**
 * One polygon (outer ring + holes) prepared for ray casting. Its edges are bucketed into
 * horizontal slabs, so a point only meets the few edges of its own slab: a 10 000-vertex area
 * costs about as much per point as a square.
 *
 * Coordinates are planar lon/lat (edges are straight lines in degrees); areas do not cross the
 * antimeridian (validation keeps longitudes in [-180, 180] and refuses edges that jump across it).
 *
 * Points exactly on an edge or vertex are covered (boundary inclusive): an expert who draws a
 * line through a record most likely meant to include it. Exact for vertices and horizontal or
 * vertical edges; on slanted edges floating-point rounding decides.
 */
export class PreparedPolygon {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /** x1, y1, x2, y2 per edge, all rings together (even-odd over shell and holes). */
  private readonly edges: Float64Array;
  private readonly slabCount: number;
  private readonly slabHeight: number;
  /** Compressed rows: the edges of slab s are slabEdges[slabStart[s] .. slabStart[s + 1]). */
  private readonly slabStart: Int32Array;
  private readonly slabEdges: Int32Array;

  constructor(rings: Position[][]) {
    let edgeCount = 0;
    for (const ring of rings) edgeCount += Math.max(ring.length - 1, 0);
    const edges = new Float64Array(edgeCount * 4);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    let e = 0;
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i];
        const [x2, y2] = ring[i + 1];
        edges[e++] = x1;
        edges[e++] = y1;
        edges[e++] = x2;
        edges[e++] = y2;
        if (x1 < minX) minX = x1;
        if (x1 > maxX) maxX = x1;
        if (y1 < minY) minY = y1;
        if (y1 > maxY) maxY = y1;
      }
    }
    this.edges = edges;
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;

    // About two edges per slab, but halve the slab count while long edges would make the buckets
    // much bigger than the edge list (tall thin shapes, combs).
    const height = maxY - minY;
    let slabs = height > 0 ? Math.min(Math.max(Math.ceil(edgeCount / 2), 1), 65_536) : 1;
    let entries = this.countEntries(slabs, height);
    while (slabs > 1 && entries > 16 * edgeCount + 1024) {
      slabs = Math.ceil(slabs / 2);
      entries = this.countEntries(slabs, height);
    }
    this.slabCount = slabs;
    this.slabHeight = height > 0 ? height / slabs : 1;
    this.slabStart = new Int32Array(slabs + 1);
    this.slabEdges = new Int32Array(entries);
    for (let i = 0; i < edgeCount; i++) {
      const [from, to] = this.slabRange(i);
      for (let s = from; s <= to; s++) this.slabStart[s + 1]++;
    }
    for (let s = 0; s < slabs; s++) this.slabStart[s + 1] += this.slabStart[s];
    const fill = this.slabStart.slice(0, slabs);
    for (let i = 0; i < edgeCount; i++) {
      const [from, to] = this.slabRange(i);
      for (let s = from; s <= to; s++) this.slabEdges[fill[s]++] = i;
    }
  }

  private slab(y: number, slabs = this.slabCount, height = this.slabHeight): number {
    const s = Math.floor((y - this.minY) / height);
    return s < 0 ? 0 : s >= slabs ? slabs - 1 : s;
  }

  private slabRange(edge: number, slabs = this.slabCount, height = this.slabHeight): [number, number] {
    const y1 = this.edges[edge * 4 + 1];
    const y2 = this.edges[edge * 4 + 3];
    return [this.slab(Math.min(y1, y2), slabs, height), this.slab(Math.max(y1, y2), slabs, height)];
  }

  private countEntries(slabs: number, height: number): number {
    const slabHeight = height > 0 ? height / slabs : 1;
    let total = 0;
    for (let i = 0; i < this.edges.length / 4; i++) {
      const [from, to] = this.slabRange(i, slabs, slabHeight);
      total += to - from + 1;
    }
    return total;
  }

  contains(x: number, y: number): boolean {
    if (x < this.minX || x > this.maxX || y < this.minY || y > this.maxY) return false;
    const s = this.slab(y);
    const edges = this.edges;
    let inside = false;
    for (let k = this.slabStart[s], end = this.slabStart[s + 1]; k < end; k++) {
      const e = this.slabEdges[k] * 4;
      const x1 = edges[e], y1 = edges[e + 1], x2 = edges[e + 2], y2 = edges[e + 3];
      if ((y < y1 && y < y2) || (y > y1 && y > y2)) continue;
      if (x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && (x2 - x1) * (y - y1) === (y2 - y1) * (x - x1)) return true;
      // Half-open rule: an edge counts when exactly one endpoint is above the ray.
      if (y1 > y !== y2 > y && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
    }
    return inside;
  }
}

/**
 * Many areas, queried by many points: a flatbush index over the bounding boxes of every
 * polygon of every area, then ray casting in the candidates.
 */
export class AreaIndex {
  private readonly parts: PreparedPolygon[] = [];
  /** Index into the constructor's areas of each part. */
  private readonly partArea: number[] = [];
  private readonly tree: Flatbush | undefined;
  private readonly minX: number = Infinity;
  private readonly minY: number = Infinity;
  private readonly maxX: number = -Infinity;
  private readonly maxY: number = -Infinity;

  constructor(areas: readonly Area[]) {
    areas.forEach((area, a) => {
      const polygons = area.type === "Polygon" ? [area.coordinates] : area.coordinates;
      for (const rings of polygons) {
        if (rings.length === 0 || rings[0].length < 4) continue;
        this.parts.push(new PreparedPolygon(rings));
        this.partArea.push(a);
      }
    });
    if (this.parts.length === 0) return;
    const tree = new Flatbush(this.parts.length);
    for (const p of this.parts) {
      tree.add(p.minX, p.minY, p.maxX, p.maxY);
      this.minX = Math.min(this.minX, p.minX);
      this.minY = Math.min(this.minY, p.minY);
      this.maxX = Math.max(this.maxX, p.maxX);
      this.maxY = Math.max(this.maxY, p.maxY);
    }
    tree.finish();
    this.tree = tree;
  }

  /**
   * Writes the indexes of the areas covering (lon, lat) into `out` (unordered, each once) and
   * returns how many there are.
   */
  covering(lon: number, lat: number, out: number[]): number {
    // Most records of a species lie outside every vetting: reject them with four comparisons.
    if (!this.tree || !(lon >= this.minX && lon <= this.maxX && lat >= this.minY && lat <= this.maxY)) return 0;
    let n = 0;
    for (const p of this.tree.search(lon, lat, lon, lat)) {
      const area = this.partArea[p];
      if (!this.parts[p].contains(lon, lat)) continue;
      let seen = false;
      for (let k = 0; k < n; k++) if (out[k] === area) seen = true;
      if (!seen) out[n++] = area;
    }
    return n;
  }
}
