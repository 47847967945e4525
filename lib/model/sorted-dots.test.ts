/** The prefix-sum shortcut against plain sums over every hinge and threshold feature. */
import { describe, expect, it } from "vitest";
import { Rng } from "@/lib/simulator/prng";
import { buildFeatures, featureColumn } from "./features";
import { sortedDots } from "./sorted-dots";

describe("sortedDots", () => {
  it("gives Σ a·f and Σ a·f² of every hinge and threshold, ties and knots on values included", () => {
    const rng = new Rng(4);
    const n = 500;
    // Whole numbers, so many rows share a value and some fall exactly on knots.
    const columns = [Float64Array.from({ length: n }, () => Math.round(100 * rng.next())), Float64Array.from({ length: n }, () => 2000 + rng.gauss() * 300)];
    const min = columns.map((c) => Math.min(...c));
    const max = columns.map((c) => Math.max(...c));
    const features = buildFeatures("lht", min, max);
    const dots = sortedDots(features, columns);
    const a = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const sums = new Float64Array(features.length);
    const squares = new Float64Array(features.length);
    dots.compute(a, sums, squares);
    const f = new Float64Array(n);
    let covered = 0;
    features.forEach((feature, j) => {
      expect(dots.covers[j]).toBe(feature.type === "linear" ? 0 : 1);
      if (!dots.covers[j]) return;
      covered++;
      featureColumn(feature, columns, f);
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        s += a[i] * f[i];
        s2 += a[i] * f[i] * f[i];
      }
      expect(sums[j]).toBeCloseTo(s, 9);
      expect(squares[j]).toBeCloseTo(s2, 9);
    });
    expect(covered).toBe(2 * (98 + 50));
  });
});
