/**
 * A Delaunay triangulation changed by a few points, instead of made again: what the hull thread
 * does when the positions it is asked about differ little from ones it triangulated before
 * (hulls.ts), as after a vetting, or between the variants without and with contentious records.
 *
 * The triangles whose circumcircle holds an added point, or that have a removed point as a corner,
 * are taken out (Bowyer–Watson's cavity, and the star of each removed point). Every other triangle
 * keeps an empty circumcircle, so it is a triangle of the new triangulation too, and the cavity's
 * new triangles have only the cavity's corners and the added points as corners: they are the
 * triangles of delaunator's triangulation of those few points that lie inside the cavity, found by
 * a flood from the cavity's border edges. Where points are cocircular the two triangulations may
 * pick different diagonals; then a border edge is missing from the small one, or the counts do not
 * add up (a triangulation of n points with h on its border has 2n − 2 − h triangles), and the
 * answer is null: the caller triangulates from scratch.
 */
import Delaunator from "delaunator";
import type { EdgeLengths } from "./edge-lengths";

/**
 * delaunator's output, which the hulls read. `hull` here is the border's vertices in no particular
 * order, and `border` the border's half-edges (those without a twin), kept up to date as points
 * come and go.
 */
export interface Mesh {
  triangles: Uint32Array;
  halfedges: Int32Array;
  hull: Uint32Array;
  border?: Int32Array;
  /** Measured when the alpha hull first needs them, then kept with the mesh (edge-lengths.ts). */
  lengths?: EdgeLengths;
}

export interface UpdatedMesh {
  /**
   * The old points, then the added ones (added point k is point n + k). A removed point stays in
   * place, a corner of no triangle: nothing is renumbered, which would cost a pass over every triangle.
   */
  xy: Float64Array;
  mesh: Mesh & { border: Int32Array };
  /** What changed, for edge-lengths.ts to measure only that. */
  change: MeshChange;
}

/**
 * The triangles taken out (their corners, three a triangle), the slots of the new ones, and the
 * triangles moved to a slot below the new count from one past it ([from, to] pairs). Every other
 * slot below the new count holds the triangle it held.
 */
export interface MeshChange {
  takenOut: Uint32Array;
  made: Int32Array;
  moved: Int32Array;
}

/** The half-edges without a twin: the border of the triangulation. */
export function borderOf({ halfedges }: Mesh): Int32Array {
  let count = 0;
  for (let e = 0; e < halfedges.length; e++) if (halfedges[e] === -1) count++;
  const border = new Int32Array(count);
  for (let e = 0, k = 0; e < halfedges.length; e++) if (halfedges[e] === -1) border[k++] = e;
  return border;
}

const next = (e: number) => (e % 3 === 2 ? e - 2 : e + 1);

/**
 * The triangulation of `xy` without the points marked in `removed` (corners of triangles) and with
 * `added` (x, y pairs), or null when a from-scratch triangulation is needed: an added point on one
 * of the points, more than `maxShare` of the triangles changed, or a degenerate cavity.
 *
 * Made in place: the arrays of `xy` and `mesh` are changed and given back, grown only when their
 * buffers have no room, so `mesh` (and `xy`, when points are added) must not be read afterwards
 * (kept-meshes.ts copies a triangulation it keeps: a million positions' took 35–50 ms). The added
 * points go into the room past `xy`'s points first, to be located; nothing else is written before
 * every check has passed: a null answer leaves the points and the triangulation as they were.
 */
export function updateMesh(xy: Float64Array, mesh: Mesh, removed: Uint8Array, added: Float64Array, maxShare = 0.25): UpdatedMesh | null {
  const { triangles, halfedges } = mesh;
  const n = xy.length / 2;
  const m = added.length / 2;
  const count = triangles.length / 3;
  if (count === 0) return null;
  // Kept with the mesh, like its edge lengths: each change from it needs the same border (a pass over every half-edge).
  const border = (mesh.border ??= borderOf(mesh));
  // Written only past the old points: their coordinates stay as they are.
  const all = m > 0 ? withRoom(xy, 2 * (n + m)) : xy;
  all.set(added, 2 * n);
  let removing = 0;
  for (let v = 0; v < n; v++) removing += removed[v];

  const bad = new Uint8Array(count);
  const cavity: number[] = [];
  const take = (t: number) => {
    if (!bad[t]) {
      bad[t] = 1;
      cavity.push(t);
    }
  };
  if (removing > 0) for (const e of cornersIn(triangles, removed)) take((e / 3) | 0);
  const sign = orientationOf(all, triangles);
  const seen = new Int32Array(m > 0 ? count : 0);
  // Border half-edges an added point outside sees: its new triangles stand on them.
  const seenFromOutside = new Set<number>();
  let from = 0;
  for (const k of hilbertOrder(added)) {
    const p = n + k;
    const found = locate(all, mesh, sign, p, from);
    if (found === -1) return null;
    const stack: number[] = [];
    if (found >= 0) {
      // Bowyer–Watson: the triangles whose circumcircle holds p are joined, and include p's own.
      from = found;
      stack.push(found);
      seen[found] = k + 1;
    } else {
      // Outside: every border edge p sees (they run on from the one the walk left by), and the
      // triangles on them whose circumcircle holds p.
      const left = -2 - found;
      from = (left / 3) | 0;
      for (const e of visibleFrom(all, mesh, sign, p, left)) {
        seenFromOutside.add(e);
        const t = (e / 3) | 0;
        if (seen[t] === k + 1) continue;
        seen[t] = k + 1;
        if (inCircle(all, triangles, t, p, sign)) stack.push(t);
      }
    }
    while (stack.length > 0) {
      const tri = stack.pop()!;
      take(tri);
      for (let e = 3 * tri; e < 3 * tri + 3; e++) {
        const o = halfedges[e];
        if (o === -1) continue;
        const other = (o / 3) | 0;
        if (seen[other] === k + 1) continue;
        seen[other] = k + 1;
        if (inCircle(all, triangles, other, p, sign)) stack.push(other);
      }
    }
    if (cavity.length > count * maxShare) return null;
  }
  if (cavity.length > count * maxShare) return null;
  // Nothing to change, unless points outside stand on the border without taking any triangle out.
  if (cavity.length === 0 && seenFromOutside.size === 0) return { xy: all, mesh: { ...mesh, border }, change: { takenOut: new Uint32Array(0), made: new Int32Array(0), moved: new Int32Array(0) } };

  // The cavity's corners and the added points, numbered locally.
  const local = new Int32Array(n + m).fill(-1);
  const corners: number[] = [];
  const addCorner = (v: number) => {
    if (local[v] === -1) {
      local[v] = corners.length;
      corners.push(v);
    }
  };
  for (const t of cavity) for (let e = 3 * t; e < 3 * t + 3; e++) if (!removed[triangles[e]]) addCorner(triangles[e]);
  for (const e of seenFromOutside) {
    if (removed[triangles[e]] || removed[triangles[next(e)]]) continue;
    addCorner(triangles[e]);
    addCorner(triangles[next(e)]);
  }
  for (let k = 0; k < m; k++) addCorner(n + k);
  const s = corners.length;
  const sxy = new Float64Array(2 * s);
  for (let i = 0; i < s; i++) {
    sxy[2 * i] = all[2 * corners[i]];
    sxy[2 * i + 1] = all[2 * corners[i] + 1];
  }
  const small = s >= 3 ? new Delaunator(sxy) : null;
  if (!small || small.triangles.length === 0) return null;
  const st = small.triangles;
  const sh = small.halfedges;
  // Each small point's outgoing half-edges (CSR), to find an edge by its two ends.
  const firstOut = new Int32Array(s + 1);
  for (let e = 0; e < st.length; e++) firstOut[st[e] + 1]++;
  for (let v = 0; v < s; v++) firstOut[v + 1] += firstOut[v];
  const outgoing = new Int32Array(st.length);
  const filledOut = firstOut.slice(0, s);
  for (let e = 0; e < st.length; e++) outgoing[filledOut[st[e]]++] = e;
  const edgeOf = (a: number, b: number) => {
    for (let i = firstOut[a]; i < firstOut[a + 1]; i++) if (st[next(outgoing[i])] === b) return outgoing[i];
    return -1;
  };

  // The cavity's border, as the small triangulation must have it: each edge to a kept triangle (a
  // wall, with that triangle's half-edge), and each outer edge of the old triangulation whose ends stay.
  const wallTo = new Int32Array(st.length).fill(-1);
  const seeds: number[] = [];
  const opened: number[] = [];
  for (const t of cavity) {
    for (let e = 3 * t; e < 3 * t + 3; e++) {
      const a = triangles[e];
      const b = triangles[next(e)];
      const o = halfedges[e];
      if (o !== -1 && bad[(o / 3) | 0]) continue;
      if (o === -1 && (removed[a] || removed[b])) continue;
      const se = edgeOf(local[a], local[b]);
      // A border edge an added point sees is inside the new triangles, if it stays at all.
      if (o === -1 && seenFromOutside.has(e)) continue;
      if (se === -1) {
        // Border points removed can leave a kept triangle on the new border: the small
        // triangulation then has the edge the other way round, on its own border.
        const back = edgeOf(local[b], local[a]);
        if (o === -1 || back === -1 || sh[back] !== -1) return null;
        opened.push(o);
        continue;
      }
      if (o === -1) {
        if (sh[se] !== -1) return null;
      } else {
        wallTo[se] = o;
      }
      seeds.push((se / 3) | 0);
    }
  }
  // A kept triangle's border edge that an added point sees gets a new triangle beyond it.
  for (const e of seenFromOutside) {
    if (bad[(e / 3) | 0] || removed[triangles[e]] || removed[triangles[next(e)]]) continue;
    const se = edgeOf(local[triangles[next(e)]], local[triangles[e]]);
    if (se === -1) return null;
    wallTo[se] = e;
    seeds.push((se / 3) | 0);
  }
  // The small triangles inside the cavity: a flood from the border that crosses no wall.
  const inside = new Uint8Array(st.length / 3);
  const filled: number[] = [];
  for (const t of seeds) {
    if (inside[t]) continue;
    inside[t] = 1;
    const stack = [t];
    while (stack.length > 0) {
      const tri = stack.pop()!;
      filled.push(tri);
      for (let e = 3 * tri; e < 3 * tri + 3; e++) {
        const o = sh[e];
        if (o === -1 || wallTo[e] !== -1) continue;
        const other = (o / 3) | 0;
        if (!inside[other]) {
          inside[other] = 1;
          stack.push(other);
        }
      }
    }
  }

  // The cavity's triangles take the slots of those taken out, then places after the end; slots
  // left over take the last triangles. The others keep their place, so their twins stay right.
  const slots = cavity.sort((a, b) => a - b);
  const total = count - slots.length + filled.length;
  const smallTri = new Int32Array(st.length / 3);
  filled.forEach((t, i) => (smallTri[t] = i < slots.length ? slots[i] : count + i - slots.length));
  // Checked before anything is written: every corner of the cavity still used, each inner edge of
  // the small triangulation between two of the cavity's triangles, and the counts of a triangulation
  // (Euler: the old one had (t + 2 + h) / 2 points in use, and t = 2p - 2 - h): else a degenerate
  // cavity would be filled wrongly.
  const reached = new Uint8Array(s);
  let cavityBorder = 0;
  for (const t of filled) {
    for (let e = 3 * t; e < 3 * t + 3; e++) {
      reached[st[e]] = 1;
      if (wallTo[e] !== -1) continue;
      if (sh[e] === -1) cavityBorder++;
      else if (!inside[(sh[e] / 3) | 0]) return null;
    }
  }
  for (const o of opened) reached[local[triangles[o]]] = reached[local[triangles[next(o)]]] = 1;
  for (let e = 0; e < st.length; e++) if (wallTo[e] !== -1) reached[st[e]] = reached[st[next(e)]] = 1;
  const keptBorder = border.filter((e) => !bad[(e / 3) | 0] && !seenFromOutside.has(e));
  const borderCount = keptBorder.length + cavityBorder + opened.length;
  const used = (count + 2 + border.length) / 2 - removing + m;
  if (reached.indexOf(0) !== -1 || total !== 2 * used - 2 - borderCount) return null;

  const takenOut = new Uint32Array(3 * slots.length);
  for (let i = 0; i < slots.length; i++) for (let j = 0; j < 3; j++) takenOut[3 * i + j] = triangles[3 * slots[i] + j];
  const size = 3 * Math.max(count, total);
  const outT = withRoom(triangles, size);
  const outH = withRoom(halfedges, size);
  const made = new Int32Array(filled.length);
  filled.forEach((t, i) => (made[i] = smallTri[t]));
  for (const t of filled) {
    const nt = smallTri[t];
    for (let j = 0; j < 3; j++) {
      const e = 3 * t + j;
      outT[3 * nt + j] = corners[st[e]];
      const w = wallTo[e];
      if (w !== -1) {
        outH[3 * nt + j] = w;
        outH[w] = 3 * nt + j;
      } else if (sh[e] === -1) {
        outH[3 * nt + j] = -1;
      } else {
        const o = sh[e];
        outH[3 * nt + j] = 3 * smallTri[(o / 3) | 0] + (o % 3);
      }
    }
  }
  for (const o of opened) outH[o] = -1;
  // The border: the old one where it stays, the cavity's own, and edges the cavity opened.
  const newBorder: number[] = [...keptBorder];
  for (const t of filled) for (let j = 0; j < 3; j++) if (sh[3 * t + j] === -1 && wallTo[3 * t + j] === -1) newBorder.push(3 * smallTri[t] + j);
  newBorder.push(...opened);
  const moved: number[] = [];
  if (slots.length > filled.length) {
    const dead = new Uint8Array(count);
    for (let i = filled.length; i < slots.length; i++) dead[slots[i]] = 1;
    const movedTo = new Map<number, number>();
    let last = count - 1;
    for (let i = filled.length; i < slots.length; i++) {
      const d = slots[i];
      while (last > d && dead[last]) last--;
      if (last <= d) break;
      for (let j = 0; j < 3; j++) {
        outT[3 * d + j] = outT[3 * last + j];
        const o = outH[3 * last + j];
        outH[3 * d + j] = o;
        if (o !== -1) outH[o] = 3 * d + j;
      }
      movedTo.set(last, d);
      moved.push(last, d);
      last--;
    }
    for (let k = 0; k < newBorder.length; k++) {
      const d = movedTo.get((newBorder[k] / 3) | 0);
      if (d !== undefined) newBorder[k] = 3 * d + (newBorder[k] % 3);
    }
  }
  const triangles2 = outT.subarray(0, 3 * total);
  const hull = Uint32Array.from(newBorder, (e) => triangles2[e]);
  return {
    xy: all,
    mesh: { triangles: triangles2, halfedges: outH.subarray(0, 3 * total), hull, border: Int32Array.from(newBorder) },
    change: { takenOut, made, moved: Int32Array.from(moved) },
  };
}

/**
 * `array` with `size` entries: a longer view of its own buffer when that has room, else a copy
 * with room to spare. The buffer past the view must be the array's own (made here, or delaunator's).
 */
export function withRoom<T extends Uint32Array | Int32Array | Float64Array>(array: T, size: number): T {
  const Type = array.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => T;
  if (array.byteOffset + size * array.BYTES_PER_ELEMENT <= array.buffer.byteLength) return new Type(array.buffer, array.byteOffset, size);
  return spareCopy(array, size);
}

/** A copy of `array` (its first `size` entries, zeros after) in a new buffer a twentieth longer, for the next changes. */
export function spareCopy<T extends Uint32Array | Int32Array | Float64Array>(array: T, size = array.length): T {
  const Fresh = array.constructor as new (length: number) => T;
  const out = new Fresh(Math.ceil(size * 1.05));
  out.set(array.subarray(0, Math.min(size, array.length)));
  return out.subarray(0, size) as T;
}

/** The half-edges starting at a marked point: a pass over every triangle, kept in a small function V8 optimises whole. */
function cornersIn(triangles: Uint32Array, marked: Uint8Array): number[] {
  const out: number[] = [];
  for (let e = 0; e < triangles.length; e++) if (marked[triangles[e]] === 1) out.push(e);
  return out;
}

/**
 * The added points' order along a Hilbert curve over their box: each walk to the next point then
 * starts near it (in the points' own order, scattered, the walks were most of the time).
 */
function hilbertOrder(xy: Float64Array): Uint32Array {
  const m = xy.length / 2;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < m; k++) {
    x0 = Math.min(x0, xy[2 * k]);
    x1 = Math.max(x1, xy[2 * k]);
    y0 = Math.min(y0, xy[2 * k + 1]);
    y1 = Math.max(y1, xy[2 * k + 1]);
  }
  const side = 1024;
  const sx = (side - 1) / (x1 - x0 || 1);
  const sy = (side - 1) / (y1 - y0 || 1);
  const d = new Float64Array(m);
  for (let k = 0; k < m; k++) d[k] = hilbert(Math.floor((xy[2 * k] - x0) * sx), Math.floor((xy[2 * k + 1] - y0) * sy), side);
  return Uint32Array.from({ length: m }, (_, k) => k).sort((a, b) => d[a] - d[b]);
}

/** The distance along a Hilbert curve filling a side × side grid (side a power of two) of cell (x, y). */
function hilbert(x: number, y: number, side: number): number {
  let d = 0;
  for (let s = side >> 1; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = side - 1 - x;
        y = side - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return d;
}

/** The border half-edges point p (outside) sees: `first`, and those either side of it while p sees them. */
function visibleFrom(xy: Float64Array, { triangles, halfedges }: Mesh, sign: number, p: number, first: number): number[] {
  const sees = (e: number) => {
    const a = triangles[e];
    const b = triangles[next(e)];
    return sign * orient(xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], xy[2 * p], xy[2 * p + 1]) < 0;
  };
  // The border half-edge leaving vertex triangles[next(e)], and the one arriving at triangles[e].
  const after = (e: number) => {
    let f = next(e);
    while (halfedges[f] !== -1) f = next(halfedges[f]);
    return f;
  };
  const before = (e: number) => {
    let f = prev(e);
    while (halfedges[f] !== -1) f = prev(halfedges[f]);
    return f;
  };
  const out = [first];
  for (let e = after(first); e !== first && sees(e); e = after(e)) out.push(e);
  for (let e = before(first); e !== first && sees(e) && !out.includes(e); e = before(e)) out.push(e);
  return out;
}

const prev = (e: number) => (e % 3 === 0 ? e + 2 : e - 1);

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** The sign of orient() over every triangle (delaunator turns them all one way). */
function orientationOf(xy: Float64Array, triangles: Uint32Array): number {
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
    const o = orient(xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], xy[2 * c], xy[2 * c + 1]);
    if (o !== 0) return Math.sign(o);
  }
  return 1;
}

/**
 * The triangle holding point p, walking from triangle `from` across each edge p lies beyond;
 * -2 - e when the walk leaves the triangulation by border half-edge e (p outside it); -1 when p is
 * one of a triangle's corners or the walk does not end.
 */
function locate(xy: Float64Array, { triangles, halfedges }: Mesh, sign: number, p: number, from: number): number {
  const px = xy[2 * p];
  const py = xy[2 * p + 1];
  let t = from;
  for (let steps = 0; steps < triangles.length; steps++) {
    let across = -1;
    for (let e = 3 * t; e < 3 * t + 3; e++) {
      const a = triangles[e];
      const b = triangles[next(e)];
      if (sign * orient(xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], px, py) < 0) {
        across = e;
        break;
      }
    }
    if (across === -1) {
      for (let e = 3 * t; e < 3 * t + 3; e++) if (xy[2 * triangles[e]] === px && xy[2 * triangles[e] + 1] === py) return -1;
      return t;
    }
    const o = halfedges[across];
    if (o === -1) return -2 - across;
    t = (o / 3) | 0;
  }
  return -1;
}

/** Whether p lies strictly inside the circumcircle of triangle t (relative to p, as delaunator computes it). */
function inCircle(xy: Float64Array, triangles: Uint32Array, t: number, p: number, sign: number): boolean {
  const px = xy[2 * p];
  const py = xy[2 * p + 1];
  const a = triangles[3 * t];
  const b = triangles[3 * t + 1];
  const c = triangles[3 * t + 2];
  const dx = xy[2 * a] - px;
  const dy = xy[2 * a + 1] - py;
  const ex = xy[2 * b] - px;
  const ey = xy[2 * b + 1] - py;
  const fx = xy[2 * c] - px;
  const fy = xy[2 * c + 1] - py;
  const ap = dx * dx + dy * dy;
  const bp = ex * ex + ey * ey;
  const cp = fx * fx + fy * fy;
  return sign * (dx * (ey * cp - bp * fy) - dy * (ex * cp - bp * fx) + ap * (ex * fy - ey * fx)) > 0;
}
