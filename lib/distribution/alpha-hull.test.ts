import { describe, expect, it } from "vitest";
import { alphaHull } from "./alpha-hull";
import { ringArea } from "./eoo";
import { projectPoints } from "./points";

type Ring = [number, number][];

/** Ray casting; a point on the ring (one of its vertices) counts as inside. */
function insideOrOn([x, y]: [number, number], ring: Ring): boolean {
  if (ring.some(([a, b]) => a === x && b === y)) return true;
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Strictly inside: inside and not one of its vertices. */
const strictlyInside = (p: [number, number], ring: Ring) => insideOrOn(p, ring) && !ring.some(([a, b]) => a === p[0] && b === p[1]);

/** What GeoJSON asks of each polygon: its holes within its outer ring, and none within another. */
function expectValidNesting(polygons: Ring[][]): void {
  for (const [outer, ...holes] of polygons) {
    expect(ringArea(outer)).toBeGreaterThan(0);
    holes.forEach((hole, i) => {
      expect(ringArea(hole)).toBeLessThan(0);
      expect(hole.every((p) => insideOrOn(p, outer))).toBe(true);
      holes.forEach((other, j) => {
        if (i !== j) expect(hole.every((p) => strictlyInside(p, other))).toBe(false);
      });
    });
  }
}

/** Lattice positions (0.1° apart from 145° E, 20° S) of the cells i, j in [0, n) that `keep` says. */
function lattice(n: number, keep: (i: number, j: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (keep(i, j)) out.push([145 + i * 0.1, -20 + j * 0.1]);
  return out;
}

function hullOf(positions: [number, number][], alpha = 2) {
  return alphaHull(
    projectPoints(
      positions.map((p) => p[0]),
      positions.map((p) => p[1]),
    ),
    alpha,
  );
}

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("alpha hull: holes and islands", () => {
  it("gives an island in a hole its own polygon, and the island's own hole to the island", () => {
    const band = (i: number, j: number, from: number, to: number) => i >= from && i <= to && j >= from && j <= to;
    // A frame 25 cells wide with 15 empty in the middle; in that gap an island 9 wide with 3 empty.
    const positions = lattice(25, (i, j) => (!band(i, j, 5, 19) || (band(i, j, 8, 16) && !band(i, j, 11, 13))));
    const { polygons } = hullOf(positions);
    expect(polygons).toHaveLength(2);
    expect(polygons.map((p) => p.length)).toEqual([2, 2]);
    expectValidNesting(polygons);
    const [frame, island] = [...polygons].sort((a, b) => ringArea(b[0]) - ringArea(a[0]));
    // The island lies in the frame's hole, and its hole in the island.
    expect(island[0].every((p) => strictlyInside(p, frame[1]))).toBe(true);
    expect(island[1].every((p) => insideOrOn(p, island[0]))).toBe(true);
    expect(Math.abs(ringArea(frame[1]))).toBeGreaterThan(ringArea(island[0]));
  });

  it("nests every hole within its own polygon over scattered rings, islands and clusters", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const next = random(seed);
      const positions: [number, number][] = [];
      // Annuli inside annuli (islands in holes), and clusters scattered around them.
      for (let ring = 0; ring < 4; ring++) {
        const [r0, r1] = [0.15 + ring * 0.45, 0.3 + ring * 0.45 + next() * 0.1];
        for (let k = 0; k < 900; k++) {
          const r = Math.sqrt(r0 * r0 + next() * (r1 * r1 - r0 * r0));
          const a = next() * 2 * Math.PI;
          positions.push([145 + r * Math.cos(a), -20 + r * Math.sin(a)]);
        }
      }
      for (let k = 0; k < 600; k++) positions.push([143 + next() * 4, -22 + next() * 4]);
      for (const alpha of [1, 2, 3]) {
        const { polygons } = hullOf(positions, alpha);
        expect(polygons.length, `seed ${seed}, alpha ${alpha}`).toBeGreaterThan(0);
        expectValidNesting(polygons);
      }
    }
  });
});
