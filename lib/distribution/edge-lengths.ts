/**
 * What the alpha hull's filter reads of a triangulation (alpha-hull.ts): each triangle's longest
 * edge, and the mean length of its distinct edges. Measured once per triangulation and kept with
 * it; a triangulation changed by a few points (mesh-update.ts) is measured only where it changed:
 * for a million positions a whole measure reads every triangle's corners, 70–100 ms.
 */
import { withRoom, type Mesh, type MeshChange } from "./mesh-update";

export interface EdgeLengths {
  longest: Float64Array;
  /** Half the perimeter of every triangle, summed: an inner edge is half of each of its two triangles'. */
  halves: number;
  /** The mean edge length: the halves and the other half of each border edge, over the edges. */
  mean: number;
}

/** Half triangle t's perimeter; its longest edge goes into `longest`, when given. */
function measure(xy: Float64Array, triangles: Uint32Array, t: number, longest: Float64Array | null): number {
  const a = triangles[3 * t];
  const b = triangles[3 * t + 1];
  const c = triangles[3 * t + 2];
  const ax = xy[2 * a];
  const ay = xy[2 * a + 1];
  const bx = xy[2 * b];
  const by = xy[2 * b + 1];
  const cx = xy[2 * c];
  const cy = xy[2 * c + 1];
  // Not Math.hypot: several times slower in V8 over millions of edges (profiled).
  const ab = Math.sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
  const bc = Math.sqrt((bx - cx) * (bx - cx) + (by - cy) * (by - cy));
  const ca = Math.sqrt((cx - ax) * (cx - ax) + (cy - ay) * (cy - ay));
  if (longest) longest[t] = Math.max(ab, bc, ca);
  return (ab + bc + ca) / 2;
}

function edgeLength(xy: Float64Array, triangles: Uint32Array, e: number): number {
  const a = triangles[e];
  const b = triangles[e % 3 === 2 ? e - 2 : e + 1];
  const dx = xy[2 * a] - xy[2 * b];
  const dy = xy[2 * a + 1] - xy[2 * b + 1];
  return Math.sqrt(dx * dx + dy * dy);
}

/** The mean over (3t + b) / 2 edges, b of them on the border (half-edges without a twin). */
function meanOf(xy: Float64Array, mesh: Mesh, halves: number, border: ArrayLike<number>): number {
  let outer = 0;
  for (let k = 0; k < border.length; k++) outer += edgeLength(xy, mesh.triangles, border[k]);
  const edges = (mesh.triangles.length + border.length) / 2;
  return (halves + outer / 2) / edges;
}

export function edgeLengths(xy: Float64Array, mesh: Mesh): EdgeLengths {
  const { triangles, halfedges } = mesh;
  const t = triangles.length / 3;
  const longest = new Float64Array(t);
  let halves = 0;
  for (let i = 0; i < t; i++) halves += measure(xy, triangles, i, longest);
  let border = mesh.border;
  if (!border) {
    const found: number[] = [];
    for (let e = 0; e < halfedges.length; e++) if (halfedges[e] === -1) found.push(e);
    border = Int32Array.from(found);
  }
  return { longest, halves, mean: meanOf(xy, mesh, halves, border) };
}

/**
 * The lengths of a triangulation changed by a few points (mesh-update.ts), from those of the one it
 * was: the triangles taken out are measured off, the new ones on, and moved ones keep their longest
 * edge. `before.longest` is changed in place (grown when its buffer has no room) and must not be read afterwards.
 */
export function changedLengths(before: EdgeLengths, next: { xy: Float64Array; mesh: Mesh & { border: Int32Array }; change: MeshChange }): EdgeLengths {
  const { xy, mesh, change } = next;
  const { takenOut, made, moved } = change;
  // Moved from past the new count: read in the old array's length.
  for (let k = 0; k < moved.length; k += 2) before.longest[moved[k + 1]] = before.longest[moved[k]];
  const longest = withRoom(before.longest, mesh.triangles.length / 3);
  let halves = before.halves;
  for (let k = 0; k < takenOut.length / 3; k++) halves -= measure(xy, takenOut, k, null);
  for (let k = 0; k < made.length; k++) halves += measure(xy, mesh.triangles, made[k], longest);
  return { longest, halves, mean: meanOf(xy, mesh, halves, mesh.border) };
}
