/**
 * Fast sums over hinge and threshold features. Each is a piecewise-linear function of one
 * variable, so with the rows sorted by that variable, Σ aᵢ·f(xᵢ) (and Σ aᵢ·f(xᵢ)²) for all of a
 * variable's ~100 such features come from prefix sums of a, a·x and a·x² in one O(n) pass,
 * instead of one O(n) pass per feature. glmnet's KKT checks and curvature terms use them.
 */
import type { Feature } from "./types";

export type SortedDots = {
  /** Which features (by index) `compute` covers. */
  covers: Uint8Array;
  /** For every covered feature j: sums[j] = Σ a·fⱼ and, when `squares` is given, squares[j] = Σ a·fⱼ². */
  compute(a: Float64Array, sums: Float64Array, squares?: Float64Array): void;
};

/** First index in sorted `xs` whose value is > t (strict) or ≥ t. */
function bound(xs: Float64Array, t: number, strict: boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? xs[mid] <= t : xs[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function sortedDots(features: readonly Feature[], columns: readonly Float64Array[]): SortedDots {
  const n = columns[0].length;
  const covers = new Uint8Array(features.length);
  type Group = { order: Uint32Array; xs: Float64Array; shift: number; items: { j: number; from: number; to: number; lo: number; span: number }[] };
  const groups = new Map<number, Group>();
  features.forEach((f, j) => {
    if (f.type !== "hinge" && f.type !== "threshold") return;
    covers[j] = 1;
    let g = groups.get(f.variable);
    if (!g) {
      const col = columns[f.variable];
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((p, q) => col[p] - col[q]);
      // Values relative to their mid-range keep the prefix sums of a·x² small, hence exact enough.
      const shift = (col[order[0]] + col[order[n - 1]]) / 2;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = col[order[i]] - shift;
      g = { order, xs, shift, items: [] };
      groups.set(f.variable, g);
    }
    if (f.type === "hinge") {
      // 0 up to min, (x − min)/(max − min) strictly between, 1 from max on.
      const lo = f.min - g.shift;
      g.items.push({ j, from: bound(g.xs, lo, true), to: bound(g.xs, f.max - g.shift, false), lo, span: f.max - f.min });
    } else {
      const at = bound(g.xs, f.knot - g.shift, false);
      g.items.push({ j, from: at, to: at, lo: 0, span: 1 });
    }
  });
  // Prefix sums, reused across calls.
  const pa = new Float64Array(n + 1);
  const pax = new Float64Array(n + 1);
  const pax2 = new Float64Array(n + 1);
  return {
    covers,
    compute(a, sums, squares) {
      for (const g of groups.values()) {
        const { order, xs } = g;
        for (let i = 0; i < n; i++) {
          const ai = a[order[i]];
          const x = xs[i];
          pa[i + 1] = pa[i] + ai;
          pax[i + 1] = pax[i] + ai * x;
          if (squares) pax2[i + 1] = pax2[i] + ai * x * x;
        }
        const total = pa[n];
        for (const { j, from, to, lo, span } of g.items) {
          // Between the knots f = (x − lo)/span; from `to` on, f = 1.
          const sa = pa[to] - pa[from];
          const sax = pax[to] - pax[from];
          const ones = total - pa[to];
          sums[j] = (sax - lo * sa) / span + ones;
          if (squares) {
            const sax2 = pax2[to] - pax2[from];
            squares[j] = (sax2 - 2 * lo * sax + lo * lo * sa) / (span * span) + ones;
          }
        }
      }
    },
  };
}
