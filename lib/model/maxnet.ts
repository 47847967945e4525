/**
 * maxnet (maxnet.R): Maxent as an L1-penalised, infinitely weighted logistic regression of
 * presences against background (Fithian & Hastie 2013), fitted by glmnet along maxnet's λ path.
 */
import { ModelInputError } from "./errors";
import { buildFeatures, checkClasses, defaultClasses, featureColumn } from "./features";
import { glmnetBinomial } from "./glmnet";
import { sortedDots } from "./sorted-dots";
import { predictColumns } from "./predict";
import { regularization } from "./regularization";
import { trainingRows } from "./training-rows";
import type { MaxnetModel, ModelSettings } from "./types";

/** Length and span of maxnet's λ path: 10^seq(4, 0, length.out = 200) × mean(reg) × Σp / Σweights. */
export const LAMBDA_STEPS = 200;
export const LAMBDA_LOG10_START = 4;
export const DEFAULT_MIN_PRESENCES = 20;

function checkRows(rows: readonly ArrayLike<number>[], what: string, variables: readonly string[]): void {
  const nv = variables.length;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length !== nv) {
      throw new ModelInputError(
        "variable-count-mismatch",
        `${what} row ${i} has ${row.length} values, but ${nv} variables are named.`,
      );
    }
    for (let v = 0; v < nv; v++) {
      if (!Number.isFinite(row[v])) {
        throw new ModelInputError("non-finite-value", `${what} row ${i} has no finite value for ${variables[v]} (${row[v]}).`);
      }
    }
  }
}

/** The settings a fit on this many presences uses (the `settings` of its model, with the minimum); throws on invalid ones. */
export function resolveSettings(settings: ModelSettings, presenceCount: number) {
  const regmult = settings.regmult ?? 1;
  if (!Number.isFinite(regmult) || regmult <= 0) {
    throw new ModelInputError("invalid-settings", `regmult must be a positive number, not ${regmult}.`);
  }
  const minPresences = settings.minPresences ?? DEFAULT_MIN_PRESENCES;
  if (!Number.isInteger(minPresences) || minPresences < 2) {
    throw new ModelInputError("invalid-settings", `minPresences must be an integer of at least 2, not ${minPresences}.`);
  }
  const features = settings.features ?? defaultClasses(presenceCount);
  checkClasses(features);
  return { regmult, minPresences, features };
}

/**
 * Fits maxnet to presence and background rows of predictor values (one value per variable, in
 * `variables` order). Throws ModelInputError on input it cannot fit.
 */
export function fitMaxnet(
  presence: readonly ArrayLike<number>[],
  background: readonly ArrayLike<number>[],
  variables: readonly string[],
  settings: ModelSettings = {},
): MaxnetModel {
  if (variables.length === 0) throw new ModelInputError("variable-count-mismatch", "No variables were named.");
  const resolved = resolveSettings(settings, presence.length);
  if (presence.length < resolved.minPresences) {
    throw new ModelInputError(
      "not-enough-presences",
      `${presence.length} presences were given; at least ${resolved.minPresences} are needed to fit a model.`,
    );
  }
  if (background.length === 0) throw new ModelInputError("no-background", "No background rows were given.");
  checkRows(presence, "Presence", variables);
  checkRows(background, "Background", variables);

  const { columns, n, distinct } = trainingRows(presence, background, variables.length);
  const np = presence.length;
  const nv = variables.length;
  const nm = distinct.weights.length;
  const varMin = columns.map((c) => c.reduce((a, b) => Math.min(a, b), Infinity));
  const varMax = columns.map((c) => c.reduce((a, b) => Math.max(a, b), -Infinity));
  for (let v = 0; v < nv; v++) {
    if (varMin[v] === varMax[v]) {
      throw new ModelInputError("constant-variable", `${variables[v]} has the same value (${varMin[v]}) in every row: it cannot inform a model.`);
    }
  }

  const features = buildFeatures(resolved.features, varMin, varMax);
  const nf = features.length;
  const x = new Float64Array(nm * nf);
  const mins = new Float64Array(nf);
  const maxs = new Float64Array(nf);
  for (let j = 0; j < nf; j++) {
    const col = x.subarray(j * nm, (j + 1) * nm);
    featureColumn(features[j], distinct.columns, col);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < nm; i++) {
      if (col[i] < lo) lo = col[i];
      if (col[i] > hi) hi = col[i];
    }
    mins[j] = lo;
    maxs[j] = hi;
  }
  const reg = regularization(features, x, nm, distinct.presences, mins, maxs);
  for (let j = 0; j < nf; j++) reg[j] *= resolved.regmult;

  let sumReg = 0;
  for (let j = 0; j < nf; j++) sumReg += reg[j];
  const scale = ((sumReg / nf) * np) / distinct.sumWeights;
  const lambdas = new Float64Array(LAMBDA_STEPS);
  const step = -LAMBDA_LOG10_START / (LAMBDA_STEPS - 1);
  for (let k = 0; k < LAMBDA_STEPS; k++) {
    const exponent = k === LAMBDA_STEPS - 1 ? 0 : LAMBDA_LOG10_START + k * step;
    lambdas[k] = 10 ** exponent * scale;
  }

  const beta = glmnetBinomial({
    x,
    n: nm,
    y: distinct.y,
    weights: distinct.weights,
    penaltyFactor: reg,
    lambdas,
    sortedDots: sortedDots(features, distinct.columns),
  });

  const kept: number[] = [];
  for (let j = 0; j < nf; j++) if (beta[j] !== 0) kept.push(j);
  const sampleMeans = columns.map((c) => {
    let s = 0;
    for (let i = 0; i < np; i++) s += c[i];
    return s / np;
  });
  const model: MaxnetModel = {
    format: 1,
    variables: [...variables],
    settings: { features: resolved.features, regmult: resolved.regmult },
    features: kept.map((j) => features[j]),
    betas: kept.map((j) => beta[j]),
    alpha: 0,
    entropy: 0,
    featureMins: kept.map((j) => mins[j]),
    featureMaxs: kept.map((j) => maxs[j]),
    varMin,
    varMax,
    sampleMeans,
    presenceCount: np,
    backgroundCount: n - np,
    lambda: lambdas[LAMBDA_STEPS - 1],
  };

  // alpha and entropy: the unclamped exponential output normalised over the background rows.
  const links = predictColumns(model, columns, "link", { clamp: false, start: np, end: n });
  let maxLink = -Infinity;
  for (const l of links) maxLink = Math.max(maxLink, l);
  let sumExp = 0;
  for (const l of links) sumExp += Math.exp(l - maxLink);
  const logSum = maxLink + Math.log(sumExp);
  let meanLink = 0;
  for (const l of links) meanLink += Math.exp(l - logSum) * l;
  model.alpha = -logSum;
  model.entropy = logSum - meanLink;
  return model;
}
