/**
 * The hull thread's last triangulations (hulls.ts). A request whose positions differ from one of
 * them by a few (the variant with contentious records after the one without; a rebuild after a
 * vetting) is answered by changing that triangulation (mesh-update.ts) instead of making a new
 * one. Positions are known again by their place in the species' position table (points.ts,
 * `source`): a table is one projection, made once per records version (records.ts), so only a
 * triangulation in the same projection is ever changed.
 */
import { changedLengths } from "./edge-lengths";
import { borderOf, spareCopy, updateMesh, type Mesh } from "./mesh-update";
import type { ProjectedPoints } from "./points";
import { triangulate } from "./triangulation";

export interface MeshedPoints {
  /**
   * The positions, in the order the mesh numbers them; after a change also the points it removed
   * before, corners of no triangle, with no records.
   */
  points: ProjectedPoints;
  mesh: Mesh;
  /** Where each given position went: placed[i] is its index in `points`. */
  placed: Int32Array;
  /** Whether it is a kept triangulation, changed by what differed. */
  changed?: boolean;
}

interface Kept {
  table: number;
  /** The variant it was last asked for (points.ts, `source`). */
  variant: string | undefined;
  /** Every point of the mesh, removed ones (corners of no triangle) included. */
  xy: Float64Array;
  mesh: Mesh;
  /** The table positions asked for, and each table position's point (-1: none). */
  asked: Int32Array;
  pointOf: Int32Array;
}

/**
 * Two: the variants without and with contentious records, each its own. A variant's triangulation
 * is changed in place for its next build (mesh-update.ts); changed for the other variant (its
 * first build, or one closer to the other's after a vetting), a copy is. About 90 MB each for a
 * million positions.
 */
const KEEP = 2;
/** Changed only when at most this share of the positions differ; beyond, triangulating again is about as quick. */
const MAX_CHANGE = 0.05;
const kept: Kept[] = [];

/**
 * The triangulation of the points: changed from a kept one when that is cheap, else made anew;
 * undefined below 3 points. Kept for the next request when the points came from a position table.
 */
export function meshFor(points: ProjectedPoints): MeshedPoints | undefined {
  if (points.xy.length / 2 < 3) return undefined;
  let changed: MeshedPoints | undefined;
  try {
    changed = changedFrom(points);
  } catch {
    // A change that fails is no answer: the triangulation is made anew, and the kept ones dropped.
    kept.length = 0;
  }
  const made = changed ?? freshMesh(points);
  const source = points.source;
  if (made && source) {
    const { ids } = source;
    const { placed } = made;
    // Ids ascend (pointsOf).
    const pointOf = new Int32Array(ids.length > 0 ? ids[ids.length - 1] + 1 : 0).fill(-1);
    for (let i = 0; i < ids.length; i++) pointOf[ids[i]] = placed[i];
    // One triangulation a variant: a new one (a change declined, or too large) replaces the last.
    const same = kept.findIndex((k) => k.table === source.table && k.variant === source.variant);
    if (same !== -1) kept.splice(same, 1);
    kept.push({ table: source.table, variant: source.variant, xy: made.points.xy, mesh: made.mesh, asked: ids, pointOf });
    if (kept.length > KEEP) kept.shift();
  }
  return made;
}

/** A new triangulation (triangulation.ts): its border is found when it is first changed (mesh-update.ts). */
export function freshMesh(points: ProjectedPoints): MeshedPoints | undefined {
  const t = triangulate(points);
  return t && { points: t.points, mesh: t.delaunay, placed: t.placed };
}

/**
 * The kept triangulation of the same table that differs least, when by few enough positions,
 * changed by them: in place when it is the variant's own, else a copy. (Changed in place from the
 * other variant's, the default variant's triangulation would gather the contentious variant's
 * removed points at every build, and differ by them and a vetting's.)
 */
function changedFrom(points: ProjectedPoints): MeshedPoints | undefined {
  const source = points.source;
  if (!source) return undefined;
  const n = source.ids.length;
  let best: { entry: Kept; at: Int32Array; added: number; change: number } | undefined;
  for (const entry of kept) {
    if (entry.table !== source.table) continue;
    // Removed points pile up as changes go on: past a tenth, triangulate anew.
    if (entry.xy.length / 2 > 1.1 * entry.asked.length) continue;
    const at = matched(source.ids, entry.pointOf);
    let added = 0;
    for (let i = 0; i < n; i++) if (at[i] === -1) added++;
    const change = added + entry.asked.length - (n - added);
    if (change <= MAX_CHANGE * n && (!best || change < best.change)) best = { entry, at, added, change };
  }
  return best && changed(best.entry.variant === source.variant ? best.entry : copied(best.entry), points, best.at, best.added);
}

/** A kept triangulation's copy (with room for changes), for a change that leaves it as it is; their border, found once, is shared (a change makes a new one). */
function copied(entry: Kept): Kept {
  const { mesh } = entry;
  const lengths = mesh.lengths && { ...mesh.lengths, longest: spareCopy(mesh.lengths.longest) };
  return {
    ...entry,
    xy: spareCopy(entry.xy),
    mesh: { triangles: spareCopy(mesh.triangles), halfedges: spareCopy(mesh.halfedges), hull: mesh.hull, border: (mesh.border ??= borderOf(mesh)), lengths },
  };
}

/**
 * Each id's point in a kept mesh (-1: none). The loops here and below run a few times in the
 * thread's life, much of it before V8 has optimised them: locals, not property reads, and no
 * iterators or callbacks in them (a change's bookkeeping took 80–140 ms so, 25 ms warm).
 */
function matched(ids: Int32Array, pointOf: Int32Array): Int32Array {
  const at = new Int32Array(ids.length);
  const size = pointOf.length;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    at[i] = id < size ? pointOf[id] : -1;
  }
  return at;
}

function changed(entry: Kept, points: ProjectedPoints, at: Int32Array, added: number): MeshedPoints | undefined {
  const n = at.length;
  const size = entry.xy.length / 2;
  // Points the last request had and this one has not; those removed before are corners of nothing already.
  const removed = new Uint8Array(size);
  const { asked, pointOf } = entry;
  for (let i = 0; i < asked.length; i++) removed[pointOf[asked[i]]] = 1;
  const addedXY = new Float64Array(2 * added);
  const { xy } = points;
  for (let i = 0, k = 0; i < n; i++) {
    const j = at[i];
    if (j !== -1) removed[j] = 0;
    else {
      addedXY[2 * k] = xy[2 * i];
      addedXY[2 * k++ + 1] = xy[2 * i + 1];
    }
  }
  // Changed in place (declined, it is as it was): the variant's new triangulation replaces it (meshFor).
  const updated = updateMesh(entry.xy, entry.mesh, removed, addedXY);
  if (!updated) return undefined;
  // The alpha hull's edge lengths, where the kept mesh has them, measured again only where it changed.
  const before = entry.mesh.lengths;
  if (before) updated.mesh.lengths = changedLengths(before, updated);
  // Removed points keep their place with no records (the hulls see corners of no triangle only).
  const weight = new Uint32Array(size + added);
  const placed = new Int32Array(n);
  const { weight: given } = points;
  for (let i = 0, k = 0; i < n; i++) {
    const j = (placed[i] = at[i] !== -1 ? at[i] : size + k++);
    weight[j] = given[i];
  }
  return { points: { projection: points.projection, xy: updated.xy, weight }, mesh: updated.mesh, placed, changed: true };
}
