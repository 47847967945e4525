/**
 * maxnet's feature classes (`maxnet.formula.R`, `hinge.R`, `thresholds.R`, `hingeval.R`,
 * `thresholdval.R`), in the column order `model.matrix` gives them: linear, quadratic, hinge and
 * threshold terms variable by variable, then the products (order-2 terms come last).
 * Features are on the predictors' own scale, as maxnet builds them (glmnet is called with
 * `standardize = FALSE`); hinges and thresholds are in [0, 1] by construction.
 */
import { ModelInputError } from "./errors";
import type { Feature } from "./types";

/** `hinge(x, nknots = 50)` and `thresholds(x, nknots = 50)`. */
export const HINGE_KNOTS = 50;
export const THRESHOLD_KNOTS = 50;

/** maxnet.formula's `classes = "default"`: by presence count. */
export function defaultClasses(presenceCount: number): string {
  if (presenceCount < 10) return "l";
  if (presenceCount < 15) return "lq";
  if (presenceCount < 80) return "lqh";
  return "lqph";
}

export function checkClasses(classes: string): void {
  if (!/^[lqpht]+$/.test(classes)) {
    throw new ModelInputError(
      "invalid-settings",
      `Feature classes "${classes}" are not a combination of l (linear), q (quadratic), p (product), h (hinge) and t (threshold).`,
    );
  }
}

/** R's `seq(from, to, length.out = n)`: interior points from + i·((to − from)/(n − 1)), ends exact. */
function rSeq(from: number, to: number, n: number): number[] {
  const by = (to - from) / (n - 1);
  const out = [from];
  for (let i = 1; i < n - 1; i++) out.push(from + i * by);
  out.push(to);
  return out;
}

/** The features maxnet's formula gives for these classes, on variables with these ranges. */
export function buildFeatures(classes: string, varMin: ArrayLike<number>, varMax: ArrayLike<number>): Feature[] {
  checkClasses(classes);
  const nv = varMin.length;
  const features: Feature[] = [];
  if (classes.includes("l")) for (let v = 0; v < nv; v++) features.push({ type: "linear", variable: v });
  if (classes.includes("q")) for (let v = 0; v < nv; v++) features.push({ type: "quadratic", variable: v });
  if (classes.includes("h")) {
    for (let v = 0; v < nv; v++) {
      const k = rSeq(varMin[v], varMax[v], HINGE_KNOTS);
      // hinge(): first the knots but the last, each up to the max; then from the min to each knot but the first.
      for (let i = 0; i < HINGE_KNOTS - 1; i++) features.push({ type: "hinge", variable: v, min: k[i], max: varMax[v] });
      for (let i = 1; i < HINGE_KNOTS; i++) features.push({ type: "hinge", variable: v, min: varMin[v], max: k[i] });
    }
  }
  if (classes.includes("t")) {
    for (let v = 0; v < nv; v++) {
      const k = rSeq(varMin[v], varMax[v], THRESHOLD_KNOTS + 2);
      for (let i = 1; i <= THRESHOLD_KNOTS; i++) features.push({ type: "threshold", variable: v, knot: k[i] });
    }
  }
  if (classes.includes("p")) {
    for (let a = 0; a < nv; a++) for (let b = a + 1; b < nv; b++) features.push({ type: "product", variable: a, other: b });
  }
  return features;
}

/**
 * A feature's values over `count` rows, into `out`. `columns[v]` holds variable v's values, from
 * `offset` on (so blocks of a larger buffer serve too). The one definition of each feature's
 * formula, for the fit and for predictions; the loop is inside each case, as grids call it per block.
 */
export function featureColumn(f: Feature, columns: readonly Float64Array[], out: Float64Array, count = out.length, offset = 0): void {
  const x = columns[f.variable];
  switch (f.type) {
    case "linear":
      for (let i = 0; i < count; i++) out[i] = x[offset + i];
      return;
    case "quadratic":
      for (let i = 0; i < count; i++) out[i] = x[offset + i] * x[offset + i];
      return;
    case "product": {
      const y = columns[f.other];
      for (let i = 0; i < count; i++) out[i] = x[offset + i] * y[offset + i];
      return;
    }
    case "hinge": {
      const { min, max } = f;
      for (let i = 0; i < count; i++) out[i] = Math.min(1, Math.max(0, (x[offset + i] - min) / (max - min)));
      return;
    }
    case "threshold": {
      const { knot } = f;
      for (let i = 0; i < count; i++) out[i] = x[offset + i] >= knot ? 1 : 0;
      return;
    }
  }
}

/** A readable name in maxnet's notation (`I(x^2)`, `hinge(x):min:max`, `x:y`), for docs and downloads. */
export function featureName(f: Feature, variables: readonly string[]): string {
  const v = variables[f.variable];
  switch (f.type) {
    case "linear":
      return v;
    case "quadratic":
      return `I(${v}^2)`;
    case "product":
      return `${v}:${variables[f.other]}`;
    case "hinge":
      return `hinge(${v}):${f.min}:${f.max}`;
    case "threshold":
      return `thresholds(${v}):${f.knot}`;
  }
}
