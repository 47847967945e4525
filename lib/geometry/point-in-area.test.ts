import type { MultiPolygon, Polygon, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { AreaIndex, PreparedPolygon } from "./point-in-area";

const square = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe("PreparedPolygon", () => {
  const withHole = new PreparedPolygon([square(0, 0, 10, 10), square(4, 4, 6, 6)]);

  it("covers the inside and not the hole or the outside", () => {
    expect(withHole.contains(1, 1)).toBe(true);
    expect(withHole.contains(9.9, 5)).toBe(true);
    expect(withHole.contains(5, 5)).toBe(false);
    expect(withHole.contains(-1, 5)).toBe(false);
    expect(withHole.contains(11, 5)).toBe(false);
    expect(withHole.contains(5, 10.5)).toBe(false);
  });

  it("covers points on edges and vertices, including the hole's boundary (boundary inclusive)", () => {
    for (const [x, y] of [
      [0, 0],
      [10, 10],
      [0, 5],
      [10, 5],
      [5, 0],
      [5, 10],
      [4, 5],
      [6, 5],
      [5, 4],
      [4, 4],
    ]) {
      expect(withHole.contains(x, y), `${x},${y}`).toBe(true);
    }
  });

  it("handles a concave ring where the ray passes through vertices", () => {
    // A "W" shape: rays at y = 5 pass exactly through the inner vertices.
    const w = new PreparedPolygon([
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [7.5, 5],
        [5, 10],
        [2.5, 5],
        [0, 10],
        [0, 0],
      ],
    ]);
    expect(w.contains(1, 5)).toBe(true);
    expect(w.contains(5, 5)).toBe(true);
    expect(w.contains(5, 9)).toBe(true);
    expect(w.contains(2.5, 8)).toBe(false);
    expect(w.contains(7.5, 8)).toBe(false);
    expect(w.contains(-0.5, 5)).toBe(false);
  });

  it("agrees with a brute-force ray cast on a many-vertex star", () => {
    const ring: Position[] = [];
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const a = (i / n) * 2 * Math.PI;
      const r = i % 2 ? 3 : 5;
      ring.push([140 + r * Math.cos(a), -25 + r * Math.sin(a)]);
    }
    ring.push(ring[0]);
    const prepared = new PreparedPolygon([ring]);
    const naive = (x: number, y: number) => {
      let inside = false;
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i];
        const [x2, y2] = ring[i + 1];
        if (y1 > y !== y2 > y && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside;
      }
      return inside;
    };
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let k = 0; k < 500; k++) {
      const x = 134 + rand() * 12;
      const y = -31 + rand() * 12;
      expect(prepared.contains(x, y)).toBe(naive(x, y));
    }
  });
});

describe("AreaIndex", () => {
  const a: Polygon = { type: "Polygon", coordinates: [square(0, 0, 10, 10)] };
  const b: MultiPolygon = {
    type: "MultiPolygon",
    coordinates: [[square(5, 5, 15, 15), square(8, 8, 12, 12)], [square(20, 0, 30, 10)]],
  };
  const index = new AreaIndex([a, b]);
  const at = (x: number, y: number) => {
    const out: number[] = [];
    return out.slice(0, index.covering(x, y, out)).sort();
  };

  it("finds every covering area, through multipolygon parts and holes", () => {
    expect(at(1, 1)).toEqual([0]);
    expect(at(6, 6)).toEqual([0, 1]);
    expect(at(9, 9)).toEqual([0]); // in b's hole
    expect(at(13, 13)).toEqual([1]);
    expect(at(25, 5)).toEqual([1]); // b's second part
    expect(at(17, 5)).toEqual([]);
    expect(at(-179, 89)).toEqual([]);
  });

  it("never covers missing coordinates", () => {
    expect(at(NaN, NaN)).toEqual([]);
    expect(at(5, NaN)).toEqual([]);
  });

  it("works with no areas", () => {
    expect(new AreaIndex([]).covering(1, 1, [])).toBe(0);
  });
});
