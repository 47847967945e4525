import Delaunator from "delaunator";
import { describe, expect, it } from "vitest";
import { changedLengths, edgeLengths, type EdgeLengths } from "./edge-lengths";
import { updateMesh, type Mesh } from "./mesh-update";

function random(seed: number) {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Each triangle's longest edge and the mean of the distinct edges, edge by edge: what the measure must give. */
function measuredByHand(xy: Float64Array, { triangles }: Mesh): { longest: number[]; mean: number } {
  const len = (a: number, b: number) => Math.hypot(xy[2 * a] - xy[2 * b], xy[2 * a + 1] - xy[2 * b + 1]);
  const edges = new Map<string, number>();
  const longest: number[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    const corners = [triangles[t], triangles[t + 1], triangles[t + 2]];
    longest.push(Math.max(...corners.map((a, j) => len(a, corners[(j + 1) % 3]))));
    corners.forEach((a, j) => {
      const b = corners[(j + 1) % 3];
      edges.set(a < b ? `${a} ${b}` : `${b} ${a}`, len(a, b));
    });
  }
  return { longest, mean: [...edges.values()].reduce((s, l) => s + l, 0) / edges.size };
}

function expectMeasures(lengths: EdgeLengths, xy: Float64Array, mesh: Mesh): void {
  const expected = measuredByHand(xy, mesh);
  expect(lengths.longest).toHaveLength(expected.longest.length);
  lengths.longest.forEach((l, t) => expect(l).toBeCloseTo(expected.longest[t], 6));
  expect(Math.abs(lengths.mean / expected.mean - 1)).toBeLessThan(1e-12);
}

describe("edge lengths", () => {
  it("measure each triangle's longest edge and the mean of the distinct edges", () => {
    const r = random(5);
    const xy = Float64Array.from({ length: 3000 }, () => r() * 50_000);
    const mesh = new Delaunator(xy);
    expectMeasures(edgeLengths(xy, mesh), xy, mesh);
  });

  it("after a change, measured where it changed, are those of the changed triangulation measured whole", () => {
    let tried = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const r = random(seed);
      const n = 2000;
      const xy = Float64Array.from({ length: 2 * n }, () => r() * 100_000);
      let mesh: Mesh = new Delaunator(xy);
      let points: Float64Array = xy;
      let lengths = edgeLengths(points, mesh);
      // Three changes in a row, as vettings come: removals (a patch and scattered points), points
      // added inside and outside the border, and both at once.
      for (let step = 0; step < 3; step++) {
        const removed = new Uint8Array(points.length / 2);
        const [cx, cy] = [r() * 100_000, r() * 100_000];
        for (let v = 0; v < removed.length; v++) {
          if ((step !== 1 && Math.hypot(points[2 * v] - cx, points[2 * v + 1] - cy) < 8_000) || r() < 0.005) removed[v] = 1;
        }
        const added = Float64Array.from({ length: step === 0 ? 0 : 2 * 40 }, () => r() * 120_000 - 10_000);
        const updated = updateMesh(points, mesh, removed, added);
        if (!updated) break;
        tried++;
        const changed = changedLengths(lengths, updated);
        const whole = edgeLengths(updated.xy, updated.mesh);
        expect(changed.longest).toEqual(whole.longest);
        expect(Math.abs(changed.mean / whole.mean - 1)).toBeLessThan(1e-12);
        expectMeasures(changed, updated.xy, updated.mesh);
        [points, mesh, lengths] = [updated.xy, updated.mesh, changed];
      }
    }
    // Most changes are made (a few decline, where the small triangulation disagrees: mesh-update.ts).
    expect(tried).toBeGreaterThan(60);
  });
});
