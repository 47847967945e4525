/**
 * The hull thread's last triangulations (hulls.ts). A request whose positions differ from one of
 * them by a few (the variant with contentious records after the one without; a rebuild after a
 * vetting) is answered by changing that triangulation (mesh-update.ts) instead of making a new
 * one. Positions are matched by their key (position-index.ts) and projected coordinates, so only a
 * triangulation in the same projection is ever changed (records.ts keeps the projection's centre
 * still while experts vet).
 */
import { borderOf, updateMesh, type Mesh } from "./mesh-update";
import type { ProjectedPoints } from "./points";
import { PositionIndex } from "./position-index";
import { triangulate } from "./triangulation";

export interface MeshedPoints {
  /** The same positions, in the order the mesh numbers them. */
  points: ProjectedPoints;
  mesh: Mesh;
  /** Where each given position went: placed[i] is its index in `points`. */
  placed: Int32Array;
  /** Whether it is a kept triangulation, changed by what differed. */
  changed?: boolean;
}

interface Kept {
  centre: { lon: number; lat: number };
  /** Every point of the mesh, removed ones (corners of no triangle) included. */
  xy: Float64Array;
  /** The positions asked for, in the order they were asked for: their keys, each one's point, each point's place in that order. */
  index: PositionIndex;
  order: Int32Array;
  rank: Int32Array;
  mesh: Mesh;
}

/** Two: the variants without and with contentious records. About 80 MB each for a million positions. */
const KEEP = 2;
/** Changed only when at most this share of the positions differ; beyond, triangulating again is about as quick. */
const MAX_CHANGE = 0.05;
const kept: Kept[] = [];

/** The last triangulation made, to be kept once its hulls are answered (keepLastMesh). */
let unkept: (() => void) | null = null;

/**
 * The triangulation of the points: changed from a kept one when that is cheap, else made anew;
 * undefined below 3 points. keepLastMesh() keeps it for the next request.
 */
export function meshFor(points: ProjectedPoints): MeshedPoints | undefined {
  unkept = null;
  if (points.xy.length / 2 < 3) return undefined;
  const made = changedFrom(points) ?? fresh(points);
  if (!made) return undefined;
  unkept = () => {
    const rank = new Int32Array(made.points.xy.length / 2);
    made.placed.forEach((v, i) => (rank[v] = i));
    kept.push({ centre: points.projection.centre, xy: made.points.xy, index: PositionIndex.of(points.lonLat), mesh: made.mesh, order: made.placed, rank });
    if (kept.length > KEEP) kept.shift();
  };
  return made;
}

/** Indexes and keeps the last triangulation made: the thread does this after answering, off the build's path. */
export function keepLastMesh(): void {
  unkept?.();
  unkept = null;
}

function fresh(points: ProjectedPoints): MeshedPoints | undefined {
  const t = triangulate(points);
  return t && { points: t.points, mesh: { triangles: t.delaunay.triangles, halfedges: t.delaunay.halfedges, hull: t.delaunay.hull, border: borderOf(t.delaunay) }, placed: t.placed };
}

/** The most recent kept triangulation in the same projection that differs by few enough positions, changed by them. */
function changedFrom(points: ProjectedPoints): MeshedPoints | undefined {
  const n = points.xy.length / 2;
  const { centre } = points.projection;
  for (let e = kept.length - 1; e >= 0; e--) {
    const entry = kept[e];
    if (entry.centre.lon !== centre.lon || entry.centre.lat !== centre.lat) continue;
    // Removed points pile up as changes go on: past a tenth, triangulate anew.
    if (entry.xy.length / 2 > 1.1 * entry.order.length) continue;
    const d = matched(entry, points, MAX_CHANGE * n);
    if (d) return changed(entry, points, d.at, d.added);
  }
  return undefined;
}

function changed(entry: Kept, points: ProjectedPoints, at: Int32Array, added: number): MeshedPoints | undefined {
  const n = points.xy.length / 2;
  const size = entry.xy.length / 2;
  // Points the last request had and this one has not; those removed before are corners of nothing already.
  const removed = new Uint8Array(size);
  for (const v of entry.order) removed[v] = 1;
  const addedXY = new Float64Array(2 * added);
  for (let i = 0, k = 0; i < n; i++) {
    if (at[i] !== -1) removed[at[i]] = 0;
    else {
      addedXY[2 * k] = points.xy[2 * i];
      addedXY[2 * k++ + 1] = points.xy[2 * i + 1];
    }
  }
  const updated = updateMesh(entry.xy, entry.mesh, removed, addedXY);
  if (!updated) return undefined;
  // The entry it came from is the most recently useful one: the other is dropped first.
  kept.splice(kept.indexOf(entry), 1);
  kept.push(entry);
  // Removed points keep their place with no records (the hulls see corners of no triangle only).
  const weight = new Uint32Array(size + added);
  const lonLat = new Float64Array(2 * (size + added));
  const placed = new Int32Array(n);
  for (let i = 0, k = 0; i < n; i++) {
    const j = (placed[i] = at[i] !== -1 ? at[i] : size + k++);
    weight[j] = points.weight[i];
    lonLat[2 * j] = points.lonLat[2 * i];
    lonLat[2 * j + 1] = points.lonLat[2 * i + 1];
  }
  return { points: { projection: points.projection, xy: updated.xy, weight, lonLat }, mesh: updated.mesh, placed, changed: true };
}

/**
 * Each position's vertex in the kept triangulation (-1: to be added) and how many are added, or
 * undefined once more than `most` differ. Positions come in nearly the same order each time (the
 * first record at each, in the records' order), so each is first compared with the one after the
 * last match, and looked up by key only when that is not it.
 */
function matched(entry: Kept, points: ProjectedPoints, most: number): { at: Int32Array; added: number } | undefined {
  const n = points.xy.length / 2;
  const { xy, lonLat } = points;
  const same = (g: number, i: number) => entry.xy[2 * g] === xy[2 * i] && entry.xy[2 * g + 1] === xy[2 * i + 1];
  const at = new Int32Array(n);
  let added = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    let g = next < entry.order.length ? entry.order[next] : -1;
    if (g === -1 || !same(g, i)) {
      const r = entry.index.find(lonLat[2 * i], lonLat[2 * i + 1]);
      g = r === -1 ? -1 : entry.order[r];
      // The same key at other coordinates (another record kept first within the metre) is another point.
      if (g !== -1 && !same(g, i)) g = -1;
    }
    at[i] = g;
    if (g !== -1) next = entry.rank[g] + 1;
    else if (++added > most) return undefined;
  }
  if (added + entry.order.length - (n - added) > most) return undefined;
  return { at, added };
}
