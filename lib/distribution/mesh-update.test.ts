import Delaunator from "delaunator";
import { describe, expect, it } from "vitest";
import { updateMesh, type Mesh } from "./mesh-update";

function random(seed: number) {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

function scattered(n: number, seed: number, scale = 100_000): Float64Array {
  const r = random(seed);
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) xy[i] = r() * scale;
  return xy;
}

/** The triangles as corner coordinates, each triangle's corners sorted: comparable whatever the numbering. */
function shape(xy: Float64Array, triangles: Uint32Array): string[] {
  const out: string[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    const corners = [0, 1, 2].map((j) => `${xy[2 * triangles[t + j]]},${xy[2 * triangles[t + j] + 1]}`).sort();
    out.push(corners.join(" "));
  }
  return out.sort();
}

function without(xy: Float64Array, removed: Uint8Array, added: Float64Array): Float64Array {
  const kept: number[] = [];
  for (let v = 0; v < xy.length / 2; v++) if (!removed[v]) kept.push(xy[2 * v], xy[2 * v + 1]);
  return Float64Array.from([...kept, ...added]);
}

/** A triangulation's own consistency: twins agree, each triangle turns one way, no circumcircle holds a point. */
function expectDelaunay(xy: Float64Array, { triangles, halfedges }: Mesh) {
  let broken = 0;
  // Removed points stay in xy, corners of no triangle.
  const live = [...new Set(triangles)];
  for (let e = 0; e < halfedges.length; e++) if (halfedges[e] !== -1 && halfedges[halfedges[e]] !== e) broken++;
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
    const [ax, ay, bx, by, cx, cy] = [xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], xy[2 * c], xy[2 * c + 1]];
    const turn = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (turn === 0) broken++;
    for (const p of live) {
      const [dx, dy, ex, ey, fx, fy] = [ax - xy[2 * p], ay - xy[2 * p + 1], bx - xy[2 * p], by - xy[2 * p + 1], cx - xy[2 * p], cy - xy[2 * p + 1]];
      const det = dx * (ey * (fx * fx + fy * fy) - (ex * ex + ey * ey) * fy) - dy * (ex * (fx * fx + fy * fy) - (ex * ex + ey * ey) * fx) + (dx * dx + dy * dy) * (ex * fy - ey * fx);
      if (Math.sign(turn) * det > 0) broken++;
    }
  }
  expect(broken).toBe(0);
}

describe("updateMesh", () => {
  it("removes and adds points to give delaunator's own triangulation of the new set, border points included", () => {
    const xy = scattered(4000, 3);
    const d = new Delaunator(xy);
    const removed = new Uint8Array(4000);
    const r = random(9);
    for (let v = 0; v < 4000; v++) if (r() < 0.03) removed[v] = 1;
    // A patch taken out whole, as a vetting's area, and two corners of the border.
    for (let v = 0; v < 4000; v++) if (Math.hypot(xy[2 * v] - 30_000, xy[2 * v + 1] - 60_000) < 8_000) removed[v] = 1;
    removed[d.hull[0]] = removed[d.hull[5]] = 1;
    const added = scattered(150, 17, 80_000).map((c) => c + 10_000);
    const updated = updateMesh(xy, d, removed, added)!;
    expect(updated).not.toBeNull();
    const expected = without(xy, removed, added);
    // Nothing renumbered: the old points, then the added ones; a removed one is a corner of no triangle.
    expect(updated.xy).toEqual(Float64Array.from([...xy, ...added]));
    expect(updated.mesh.triangles.some((v) => removed[v])).toBe(false);
    const reference = new Delaunator(expected);
    expect(shape(updated.xy, updated.mesh.triangles)).toEqual(shape(expected, reference.triangles));
    const at = (points: Float64Array, v: number) => `${points[2 * v]},${points[2 * v + 1]}`;
    expect([...updated.mesh.hull].map((v) => at(updated.xy, v)).sort()).toEqual([...reference.hull].map((v) => at(expected, v)).sort());
    expect(updated.mesh.border.every((e) => updated.mesh.halfedges[e] === -1)).toBe(true);
    expect(updated.mesh.border.length).toBe(updated.mesh.halfedges.filter((o) => o === -1).length);
    expectDelaunay(updated.xy, updated.mesh);
  });

  it("changes nothing when nothing is removed or added", () => {
    const xy = scattered(500, 5);
    const d = new Delaunator(xy);
    // Copies: the change is made in place.
    const [triangles, halfedges] = [Array.from(d.triangles), Array.from(d.halfedges)];
    const updated = updateMesh(xy, d, new Uint8Array(500), new Float64Array(0))!;
    expect(Array.from(updated.mesh.triangles)).toEqual(triangles);
    expect(Array.from(updated.mesh.halfedges)).toEqual(halfedges);
  });

  it("adds points outside the triangulation, also where no triangle's circumcircle holds them (a column beside a grid)", () => {
    const xy = scattered(1000, 7);
    const d = new Delaunator(xy);
    const far = Float64Array.from([200_000, 50_000, -30_000, 120_000]);
    const updated = updateMesh(xy, d, new Uint8Array(1000), far)!;
    const expected = without(xy, new Uint8Array(1000), far);
    expect(shape(updated.xy, updated.mesh.triangles)).toEqual(shape(expected, new Delaunator(expected).triangles));

    const grid: number[] = [];
    for (let i = 1; i < 12; i++) for (let j = 0; j < 12; j++) grid.push(i * 10, j * 10);
    const column = Float64Array.from({ length: 24 }, (_, k) => (k % 2 === 0 ? 0 : 5 * k));
    const g = Float64Array.from(grid);
    const beside = updateMesh(g, new Delaunator(g), new Uint8Array(grid.length / 2), column)!;
    expect(beside).not.toBeNull();
    const all = without(g, new Uint8Array(grid.length / 2), column);
    const reference = new Delaunator(all);
    expect(beside.mesh.triangles.length).toBe(reference.triangles.length);
    expect([...beside.mesh.hull].sort((a, b) => a - b)).toEqual([...reference.hull].sort((a, b) => a - b));
    expectDelaunay(beside.xy, beside.mesh);
    // Removing points later keeps the border it carries right.
    const fewer = new Uint8Array(all.length / 2).fill(1, 0, 12);
    const after = updateMesh(beside.xy, beside.mesh, fewer, new Float64Array(0))!;
    expect(after.mesh.triangles.length).toBe(new Delaunator(without(all, fewer, new Float64Array(0))).triangles.length);
    expect(after.mesh.border.length).toBe(after.mesh.halfedges.filter((o) => o === -1).length);
  });

  it("answers null, for a triangulation from scratch, for a point already there or too large a change", () => {
    const xy = scattered(1000, 7);
    const d = new Delaunator(xy);
    const none = new Uint8Array(1000);
    expect(updateMesh(xy, d, none, Float64Array.from([xy[20], xy[21]]))).toBeNull();
    const many = new Uint8Array(1000).fill(1, 0, 300);
    expect(updateMesh(xy, d, many, new Float64Array(0))).toBeNull();
    expect(updateMesh(xy, d, many, new Float64Array(0), 1)).not.toBeNull();
  });

  it("on a grid, where every square's corners are cocircular, gives a Delaunay triangulation or declines, leaving it as it was", () => {
    const side = 30;
    const grid = new Float64Array(2 * side * side);
    for (let i = 0; i < side * side; i++) {
      grid[2 * i] = (i % side) * 10;
      grid[2 * i + 1] = Math.floor(i / side) * 10;
    }
    let [answered, declined] = [0, 0];
    for (let seed = 1; seed <= 60; seed++) {
      const r = random(seed);
      // Changed in place: a triangulation of its own each time.
      const d = new Delaunator(grid);
      const removed = new Uint8Array(side * side);
      for (let v = 0; v < side * side; v++) if (r() < 0.05) removed[v] = 1;
      const added = Float64Array.from({ length: 10 }, () => 20 + Math.floor(r() * 25) * 10 + 5);
      // Whole buffers, room past the triangles in use included.
      const was = [new Uint32Array(d.triangles.buffer).slice(), new Int32Array(d.halfedges.buffer).slice(), grid.slice()];
      const updated = updateMesh(grid, d, removed, added);
      if (!updated) {
        declined++;
        expect([new Uint32Array(d.triangles.buffer), new Int32Array(d.halfedges.buffer), grid]).toEqual(was);
        continue;
      }
      answered++;
      expect(updated.mesh.triangles.length / 3).toBe(new Delaunator(without(grid, removed, added)).triangles.length / 3);
      expectDelaunay(updated.xy, updated.mesh);
    }
    expect(answered).toBeGreaterThan(0);
    expect(declined).toBeGreaterThan(0);
  });

  it("changes the triangulation in place where its buffers have room, and grows them where they have not", () => {
    const xy = scattered(2000, 23);
    const d = new Delaunator(xy);
    const removed = new Uint8Array(2000).fill(1, 0, 40);
    const first = updateMesh(xy, d, removed, new Float64Array(0))!;
    // delaunator's buffers hold as many triangles as it could make: room for these.
    expect(first.mesh.triangles.buffer).toBe(d.triangles.buffer);
    expect(first.mesh.halfedges.buffer).toBe(d.halfedges.buffer);
    expect(first.xy).toBe(xy);
    // Added points need a longer array of points: a new one, with room for the next ones.
    const second = updateMesh(first.xy, first.mesh, new Uint8Array(2000), scattered(30, 29))!;
    expect(second.xy.buffer).not.toBe(xy.buffer);
    expect(second.xy.subarray(0, 4000)).toEqual(xy);
    const third = updateMesh(second.xy, second.mesh, new Uint8Array(2030), scattered(20, 31))!;
    expect(third.xy.buffer).toBe(second.xy.buffer);
    expectDelaunay(third.xy, third.mesh);
    const expected = without(xy, removed, Float64Array.from([...scattered(30, 29), ...scattered(20, 31)]));
    expect(shape(third.xy, third.mesh.triangles)).toEqual(shape(expected, new Delaunator(expected).triangles));
  });
});
