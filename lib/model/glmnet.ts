/**
 * glmnet's binomial lasso path (glmnet's `lognet` → `lognet2n`, alpha = 1, with
 * an intercept, "Newton" iterations) as maxnet calls it: no standardisation, per-feature penalty
 * factors, a given λ path with warm starts, the sequential strong rule and KKT checks.
 *
 * Minimises −Σ wᵢ/Σw · [yᵢηᵢ − log(1 + e^ηᵢ)] + λ Σⱼ vpⱼ |βⱼ| along the path, where vp is the
 * penalty factor rescaled to sum to the number of features (as glmnet rescales it).
 */
import { ModelInputError } from "./errors";
import type { SortedDots } from "./sorted-dots";

export type GlmnetInput = {
  /** The features, column after column (n values each). Centred in place. */
  x: Float64Array;
  n: number;
  /** The response: 1 for presence, 0 for background, or the weighted share of presences of merged rows. */
  y: Float64Array;
  weights: Float64Array;
  penaltyFactor: Float64Array;
  /** Decreasing; the solution of the last one is returned. */
  lambdas: Float64Array;
  /** glmnet's `thresh` (default 1e-7), relative to the null deviance. */
  thresh?: number;
  /** glmnet's `maxit` (default 1e5): coordinate-descent passes over the whole path. */
  maxit?: number;
  /** glmnet.control's `pmin`; maxnet sets 1e-8. */
  pmin?: number;
  /** Fast sums for the features it covers, over the raw (uncentred) features. */
  sortedDots?: SortedDots;
};

/**
 * The features' coefficients at the last λ (the same for centred and uncentred features; maxnet
 * has no use for glmnet's intercept, its alpha replaces it).
 */
export function glmnetBinomial(input: GlmnetInput): Float64Array {
  const { x, n, y, lambdas } = input;
  const thresh = input.thresh ?? 1e-7;
  const maxit = input.maxit ?? 1e5;
  const pmin = input.pmin ?? 1e-8;
  const ni = input.penaltyFactor.length;

  // Weights normalised to sum 1 (lognet's ww = w / sum(w)).
  let sw = 0;
  for (let i = 0; i < n; i++) sw += input.weights[i];
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = input.weights[i] / sw;

  // Penalty factors rescaled to sum to ni (lognet: vq = vq * ni / sum(vq)).
  let sumVp = 0;
  for (let j = 0; j < ni; j++) sumVp += Math.max(0, input.penaltyFactor[j]);
  const vp = new Float64Array(ni);
  for (let j = 0; j < ni; j++) vp[j] = (Math.max(0, input.penaltyFactor[j]) * ni) / sumVp;

  // Constant columns take no part (glmnet's chkvars → ju); the others are centred (lstandard1 with an intercept).
  const ju = new Uint8Array(ni);
  const xm = new Float64Array(ni);
  for (let j = 0; j < ni; j++) {
    const col = x.subarray(j * n, (j + 1) * n);
    let constant = true;
    for (let i = 1; i < n && constant; i++) if (col[i] !== col[0]) constant = false;
    if (constant) continue;
    ju[j] = 1;
    let m = 0;
    for (let i = 0; i < n; i++) m += w[i] * col[i];
    xm[j] = m;
    for (let i = 0; i < n; i++) col[i] -= m;
  }

  const fmax = Math.log(1 / pmin - 1);
  const fmin = -fmax;
  const vmin = (1 + pmin) * pmin * (1 - pmin);

  let q0 = 0;
  for (let i = 0; i < n; i++) q0 += w[i] * y[i];
  if (q0 <= pmin || q0 >= 1 - pmin) {
    throw new ModelInputError("fit-failed", "The weighted share of presences is too close to 0 or 1 to fit.");
  }
  const bz = Math.log(q0 / (1 - q0));
  const b = new Float64Array(ni);
  const bs = new Float64Array(ni);
  let b0 = bz;
  const vi = q0 * (1 - q0);
  const v = new Float64Array(n);
  const r = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    v[i] = vi * w[i];
    r[i] = w[i] * (y[i] - q0);
  }
  let xmz = vi;
  // Null deviance of 0/1 responses (glmnet's y·log(y) terms vanish), also for merged rows so that
  // the convergence threshold is the one of the rows maxnet gives glmnet.
  const dev0 = -(bz * q0 + Math.log(1 - q0));
  const shr = thresh * dev0;

  const xv = new Float64Array(ni);
  const ga = new Float64Array(ni);
  const ixx = new Uint8Array(ni);
  const inActive = new Uint8Array(ni);
  const active: number[] = [];
  const dot = (j: number, a: Float64Array): number => {
    let s = 0;
    const o = j * n;
    for (let i = 0; i < n; i++) s += a[i] * x[o + i];
    return s;
  };
  const covers = input.sortedDots?.covers ?? new Uint8Array(ni);
  const sums = new Float64Array(ni);
  const squares = new Float64Array(ni);
  // |Σ r·x| for the features outside the working set (all at first), which join it above `threshold`·vp: the KKT check.
  const gradients = (threshold: number): boolean => {
    let sumR = 0;
    for (let i = 0; i < n; i++) sumR += r[i];
    input.sortedDots?.compute(r, sums);
    let violated = false;
    for (let k = 0; k < ni; k++) {
      if (ixx[k] || !ju[k]) continue;
      // Centred column: Σ r·(x − xm) = Σ r·x − xm·Σ r.
      ga[k] = Math.abs(covers[k] ? sums[k] - xm[k] * sumR : dot(k, r));
      if (ga[k] > threshold * vp[k]) {
        ixx[k] = 1;
        violated = true;
      }
    }
    return violated;
  };

  let passes = 0;
  let al = 0;
  gradients(Infinity);
  const tooMany = () =>
    new ModelInputError(
      "fit-failed",
      `The fit did not converge within ${maxit} coordinate-descent passes: glmnet would fail to complete maxnet's regularisation path.`,
    );

  // A coordinate's change reaches the residuals lazily, fused into the loop of the next update's
  // (or the intercept's, which ends every pass) sum: one pass over the rows instead of two, with
  // the same arithmetic in the same order, so the same result to the bit.
  let pendingAt = -1;
  let pendingD = 0;
  // One coordinate update of feature k; returns its contribution to the convergence measure.
  const update = (k: number, al1: number): number => {
    const bk = b[k];
    const o = k * n;
    let gk = 0;
    if (pendingAt >= 0) {
      const d = pendingD;
      const po = pendingAt;
      for (let i = 0; i < n; i++) {
        const ri = r[i] - d * v[i] * x[po + i];
        r[i] = ri;
        gk += ri * x[o + i];
      }
      pendingAt = -1;
    } else {
      for (let i = 0; i < n; i++) gk += r[i] * x[o + i];
    }
    const u = gk + xv[k] * bk;
    const au = Math.abs(u) - vp[k] * al1;
    const nb = au <= 0 ? 0 : (Math.sign(u) * au) / xv[k];
    b[k] = nb;
    const d = nb - bk;
    if (d === 0) return 0;
    pendingAt = o;
    pendingD = d;
    if (!inActive[k]) {
      inActive[k] = 1;
      active.push(k);
    }
    return xv[k] * d * d;
  };
  const interceptStep = (): number => {
    let s = 0;
    if (pendingAt >= 0) {
      const d = pendingD;
      const po = pendingAt;
      for (let i = 0; i < n; i++) {
        const ri = r[i] - d * v[i] * x[po + i];
        r[i] = ri;
        s += ri;
      }
      pendingAt = -1;
    } else {
      for (let i = 0; i < n; i++) s += r[i];
    }
    const d = s / xmz;
    if (d === 0) return 0;
    b0 += d;
    for (let i = 0; i < n; i++) r[i] -= d * v[i];
    return xmz * d * d;
  };

  for (let ilm = 0; ilm < lambdas.length; ilm++) {
    const al0 = al;
    al = lambdas[ilm];
    const al1 = al;
    // Sequential strong rule: features likely to enter at this λ join the working set.
    const tlam = 2 * al - al0;
    for (let k = 0; k < ni; k++) if (!ixx[k] && ju[k] && ga[k] > tlam * vp[k]) ixx[k] = 1;

    for (;;) {
      // Outer (Newton) iteration: a weighted least-squares approximation at the current fit.
      bs.set(b);
      const bs0 = b0;
      let sumV = 0;
      for (let i = 0; i < n; i++) sumV += v[i];
      if (input.sortedDots) input.sortedDots.compute(v, sums, squares);
      for (let j = 0; j < ni; j++) {
        if (!ixx[j]) continue;
        if (covers[j]) {
          // Σ v·(x − xm)² = Σ v·x² − 2·xm·Σ v·x + xm²·Σ v.
          xv[j] = squares[j] - 2 * xm[j] * sums[j] + xm[j] * xm[j] * sumV;
          continue;
        }
        const o = j * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += v[i] * x[o + i] * x[o + i];
        xv[j] = s;
      }
      for (;;) {
        passes++;
        let dlx = 0;
        for (let k = 0; k < ni; k++) if (ixx[k]) dlx = Math.max(dlx, update(k, al1));
        dlx = Math.max(dlx, interceptStep());
        if (dlx < shr) break;
        if (passes > maxit) throw tooMany();
        // Iterate over the active set alone until it settles, then sweep the working set again.
        for (;;) {
          passes++;
          let dla = 0;
          for (let l = 0; l < active.length; l++) dla = Math.max(dla, update(active[l], al1));
          dla = Math.max(dla, interceptStep());
          if (dla < shr) break;
          if (passes > maxit) throw tooMany();
        }
      }
      // New probabilities, weights and working residuals.
      eta.fill(b0);
      for (const k of active) {
        const bk = b[k];
        if (bk === 0) continue;
        const o = k * n;
        for (let i = 0; i < n; i++) eta[i] += bk * x[o + i];
      }
      xmz = 0;
      for (let i = 0; i < n; i++) {
        const fi = eta[i];
        const qi = fi < fmin ? 0 : fi > fmax ? 1 : 1 / (1 + Math.exp(-fi));
        v[i] = w[i] * qi * (1 - qi);
        xmz += v[i];
        r[i] = w[i] * (y[i] - qi);
      }
      if (xmz <= vmin) {
        // glmnet keeps this λ's solution and stops the path: short of the last λ, maxnet then fails for want of its 200.
        if (ilm === lambdas.length - 1) break;
        throw new ModelInputError("fit-failed", "The fit separates presences from background completely: glmnet would not complete maxnet's regularisation path.");
      }
      if (xmz * (b0 - bs0) ** 2 >= shr) continue;
      let moved = false;
      for (const k of active) {
        if (xv[k] * (b[k] - bs[k]) ** 2 >= shr) {
          moved = true;
          break;
        }
      }
      if (moved) continue;
      // KKT check on the features outside the working set.
      if (!gradients(al1)) break;
    }
  }

  return b;
}
