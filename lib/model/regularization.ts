/**
 * maxnet.default.regularization: each feature's L1 penalty, from the presences' spread and
 * Maxent's β tables interpolated by presence count.
 */
import type { Feature } from "./types";

type Table = readonly [readonly number[], readonly number[]];

// The β tables of maxnet.default.regularization.R, (presence counts, β).
export const LINEAR_TABLE: Table = [
  [0, 10, 30, 100],
  [1, 1, 0.2, 0.05],
];
export const QUADRATIC_TABLE: Table = [
  [0, 10, 17, 30, 100],
  [1.3, 0.8, 0.5, 0.25, 0.05],
];
export const PRODUCT_TABLE: Table = [
  [0, 10, 17, 30, 100],
  [2.6, 1.6, 0.9, 0.55, 0.05],
];
export const HINGE_TABLE: Table = [
  [0, 1],
  [0.5, 0.5],
];
export const THRESHOLD_TABLE: Table = [
  [0, 100],
  [2, 1],
];

/** R's `approx(x, y, xout, rule = 2)`: linear interpolation, constant beyond the ends. */
export function approxRule2([xs, ys]: Table, x: number): number {
  if (x <= xs[0]) return ys[0];
  const last = xs.length - 1;
  if (x >= xs[last]) return ys[last];
  let i = 0;
  while (xs[i + 1] < x) i++;
  return ys[i] + ((ys[i + 1] - ys[i]) * (x - xs[i])) / (xs[i + 1] - xs[i]);
}

/**
 * The penalty of every feature. `x` holds the features' columns over all rows (n each, one after
 * another), `presences` how many presences each row stands for (rows with equal values are merged);
 * `mins`/`maxs` are the columns' ranges over all rows.
 */
export function regularization(
  features: readonly Feature[],
  x: Float64Array,
  n: number,
  presences: Float64Array,
  mins: Float64Array,
  maxs: Float64Array,
): Float64Array {
  let np = 0;
  for (let i = 0; i < n; i++) np += presences[i];
  // The l/q/p table follows the richest class present: products, else quadratics, else linear.
  const lqp = features.some((f) => f.type === "product")
    ? PRODUCT_TABLE
    : features.some((f) => f.type === "quadratic")
      ? QUADRATIC_TABLE
      : LINEAR_TABLE;
  const sqrtNp = Math.sqrt(np);
  const reg = new Float64Array(features.length);
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    const col = x.subarray(j * n, (j + 1) * n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += presences[i] * col[i];
    const mean = sum / np;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += presences[i] * (col[i] - mean) ** 2;
    const sd = Math.sqrt(ss / (np - 1));
    const table = f.type === "hinge" ? HINGE_TABLE : f.type === "threshold" ? THRESHOLD_TABLE : lqp;
    const classReg = approxRule2(table, np) / sqrtNp;
    // Extreme hinges get at least this much (maxnet's hmindev).
    const hingeMin = f.type === "hinge" ? (Math.max(sd, 1 / sqrtNp) * 0.5) / sqrtNp : 0;
    // Thresholds all 0 or all 1 on the presences get at least 1 (maxnet's tmindev).
    const thresholdMin = f.type === "threshold" && (sum === 0 || sum === np) ? 1 : 0;
    reg[j] = Math.max(0.001 * (maxs[j] - mins[j]), hingeMin, thresholdMin, sd * classReg);
  }
  return reg;
}
