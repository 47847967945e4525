/**
 * A model's evaluation, as issue 18 shows it with every model: training AUC, test AUC by spatial
 * block cross-validation, the threshold maximising training sensitivity + specificity, and the
 * variables' contributions (Maxent's permutation importance).
 */
import { Rng } from "@/lib/simulator/prng";
import { ModelInputError } from "./errors";
import { fitMaxnet } from "./maxnet";
import { predictColumns } from "./predict";
import type { MaxnetModel } from "./types";

export type EvaluationData = {
  /** The rows the model was fitted on, in the same order. */
  presence: readonly ArrayLike<number>[];
  background: readonly ArrayLike<number>[];
  /** Each row's position, lon and lat interleaved (2 values a row): what the blocks split. */
  presencePositions: ArrayLike<number>;
  backgroundPositions: ArrayLike<number>;
};

export type EvaluationOptions = {
  /** Spatial blocks, a power of 2 (default 4, ENMeval's "block" method). */
  folds?: number;
  /** Seed of the permutations (default 1). */
  seed?: number;
};

export type FoldEvaluation = {
  testPresences: number;
  /** Test presences against the whole background; null when the fold could not be fitted. */
  auc: number | null;
  /** Why the fold could not be fitted. */
  error?: string;
};

export type ModelEvaluation = {
  presenceCount: number;
  backgroundCount: number;
  trainingAuc: number;
  /** Mean of the folds' AUCs; null when no fold could be fitted. */
  testAuc: number | null;
  folds: FoldEvaluation[];
  /** cloglog value; suitability at or above it counts as suitable. */
  threshold: number;
  sensitivity: number;
  specificity: number;
  /** Percent of the summed drops in training AUC when the variable's values are permuted. */
  contributions: { variable: string; percent: number }[];
};

export const DEFAULT_FOLDS = 4;

/** Mann–Whitney AUC of presence values against background values, ties counting half. */
export function auc(presence: ArrayLike<number>, background: ArrayLike<number>): number {
  const bg = Float64Array.from(background).sort();
  let total = 0;
  for (let i = 0; i < presence.length; i++) {
    const p = presence[i];
    let lo = 0;
    let hi = bg.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bg[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    let eq = lo;
    while (eq < bg.length && bg[eq] === p) eq++;
    total += lo + (eq - lo) / 2;
  }
  return total / (presence.length * bg.length);
}

/** The threshold (a presence's value) maximising sensitivity + specificity, predicting presence at ≥ it. */
export function maxSensSpecThreshold(presence: ArrayLike<number>, background: ArrayLike<number>) {
  const ps = Float64Array.from(presence).sort();
  const bg = Float64Array.from(background).sort();
  let best = { threshold: ps[0], sensitivity: 1, specificity: 0, sum: -1 };
  let below = 0;
  for (let i = 0; i < ps.length; i++) {
    if (i > 0 && ps[i] === ps[i - 1]) continue;
    while (below < bg.length && bg[below] < ps[i]) below++;
    const sensitivity = (ps.length - i) / ps.length;
    const specificity = below / bg.length;
    if (sensitivity + specificity > best.sum) best = { threshold: ps[i], sensitivity, specificity, sum: sensitivity + specificity };
  }
  return { threshold: best.threshold, sensitivity: best.sensitivity, specificity: best.specificity };
}

/**
 * Spatial blocks by recursive median splits of the presences' positions, longitude first, then
 * latitude, alternating: for 4 folds, ENMeval's "block" partition. Background rows fall in the
 * block whose bounds hold them. Returns each row's fold.
 */
export function spatialBlocks(presencePositions: ArrayLike<number>, backgroundPositions: ArrayLike<number>, folds: number) {
  if (!Number.isInteger(folds) || folds < 2 || (folds & (folds - 1)) !== 0) {
    throw new ModelInputError("invalid-settings", `Folds must be a power of 2 of at least 2, not ${folds}.`);
  }
  const np = presencePositions.length / 2;
  const nb = backgroundPositions.length / 2;
  const presenceFold = new Uint8Array(np);
  const backgroundFold = new Uint8Array(nb);
  const split = (pIdx: number[], bIdx: number[], axis: number, first: number, count: number) => {
    if (count === 1) {
      for (const i of pIdx) presenceFold[i] = first;
      for (const i of bIdx) backgroundFold[i] = first;
      return;
    }
    const sorted = [...pIdx].sort((a, b) => presencePositions[2 * a + axis] - presencePositions[2 * b + axis]);
    const half = Math.ceil(sorted.length / 2);
    const cut = sorted.length === 0 ? 0 : presencePositions[2 * sorted[half - 1] + axis];
    const lowP = sorted.slice(0, half);
    const highP = sorted.slice(half);
    const lowB = bIdx.filter((i) => backgroundPositions[2 * i + axis] <= cut);
    const highB = bIdx.filter((i) => backgroundPositions[2 * i + axis] > cut);
    split(lowP, lowB, 1 - axis, first, count / 2);
    split(highP, highB, 1 - axis, first + count / 2, count / 2);
  };
  split(
    Array.from({ length: np }, (_, i) => i),
    Array.from({ length: nb }, (_, i) => i),
    0,
    0,
    folds,
  );
  return { presenceFold, backgroundFold };
}

function columnsOf(rows: readonly ArrayLike<number>[], nv: number): Float64Array[] {
  return Array.from({ length: nv }, (_, v) => Float64Array.from(rows, (row) => row[v]));
}

function checkPositions(data: EvaluationData): void {
  if (data.presencePositions.length !== 2 * data.presence.length || data.backgroundPositions.length !== 2 * data.background.length) {
    throw new ModelInputError("variable-count-mismatch", "Positions must give a longitude and a latitude for every presence and background row.");
  }
}

/** What is measured on the model's own training rows: everything but the cross-validation. */
export type TrainingEvaluation = Omit<ModelEvaluation, "testAuc" | "folds">;

export function trainingEvaluation(model: MaxnetModel, data: EvaluationData, seed = 1): TrainingEvaluation {
  checkPositions(data);
  const nv = model.variables.length;
  const { presence, background } = data;
  const pCols = columnsOf(presence, nv);
  const bCols = columnsOf(background, nv);
  const pPred = predictColumns(model, pCols, "cloglog");
  const bPred = predictColumns(model, bCols, "cloglog");
  const trainingAuc = auc(pPred, bPred);
  const { threshold, sensitivity, specificity } = maxSensSpecThreshold(pPred, bPred);

  // Permutation importance: one variable's values shuffled across presences and background together.
  const rng = new Rng(seed);
  const drops = model.variables.map((_, v) => {
    const pooled = new Float64Array(presence.length + background.length);
    pooled.set(pCols[v]);
    pooled.set(bCols[v], presence.length);
    for (let i = pooled.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = pooled[i];
      pooled[i] = pooled[j];
      pooled[j] = t;
    }
    const p = pCols.map((c, u) => (u === v ? pooled.subarray(0, presence.length) : c));
    const b = bCols.map((c, u) => (u === v ? pooled.subarray(presence.length) : c));
    return Math.max(0, trainingAuc - auc(predictColumns(model, p, "cloglog"), predictColumns(model, b, "cloglog")));
  });
  const totalDrop = drops.reduce((s, d) => s + d, 0);
  const contributions = model.variables.map((variable, v) => ({
    variable,
    percent: totalDrop > 0 ? (100 * drops[v]) / totalDrop : 0,
  }));

  return { presenceCount: presence.length, backgroundCount: background.length, trainingAuc, threshold, sensitivity, specificity, contributions };
}

/**
 * Fold k of `folds` spatial blocks: a model fitted without the block (the main model's variables,
 * feature classes and regmult: `settings` as the main model resolved them), and its test AUC, the
 * block's presences against the whole background. Folds are independent, so they may run anywhere.
 */
export function evaluateFold(
  variables: readonly string[],
  settings: MaxnetModel["settings"],
  data: EvaluationData,
  folds: number,
  k: number,
): FoldEvaluation {
  checkPositions(data);
  const nv = variables.length;
  const { presence, background } = data;
  const { presenceFold, backgroundFold } = spatialBlocks(data.presencePositions, data.backgroundPositions, folds);
  const trainP = presence.filter((_, i) => presenceFold[i] !== k);
  const trainB = background.filter((_, i) => backgroundFold[i] !== k);
  const testP = presence.filter((_, i) => presenceFold[i] === k);
  if (testP.length === 0) return { testPresences: 0, auc: null, error: "No presences fall in this block." };
  try {
    const foldModel = fitMaxnet(trainP, trainB, variables, { ...settings, minPresences: 2 });
    const testPred = predictColumns(foldModel, columnsOf(testP, nv), "cloglog");
    return { testPresences: testP.length, auc: auc(testPred, predictColumns(foldModel, columnsOf(background, nv), "cloglog")) };
  } catch (error) {
    if (!(error instanceof ModelInputError)) throw error;
    return { testPresences: testP.length, auc: null, error: error.message };
  }
}

/** The evaluation shown with a model: its training measures and its folds' (in fold order). */
export function combineEvaluation(training: TrainingEvaluation, folds: FoldEvaluation[]): ModelEvaluation {
  const fitted = folds.filter((f) => f.auc !== null);
  const testAuc = fitted.length ? fitted.reduce((s, f) => s + (f.auc ?? 0), 0) / fitted.length : null;
  return { ...training, testAuc, folds };
}

/** The whole evaluation in this thread; lib/suitability/fit.ts spreads the same parts over threads. */
export function evaluate(model: MaxnetModel, data: EvaluationData, options: EvaluationOptions = {}): ModelEvaluation {
  const folds = options.folds ?? DEFAULT_FOLDS;
  const training = trainingEvaluation(model, data, options.seed ?? 1);
  // Checked before any fold is fitted.
  spatialBlocks(data.presencePositions, data.backgroundPositions, folds);
  const results = Array.from({ length: folds }, (_, k) => evaluateFold(model.variables, model.settings, data, folds, k));
  return combineEvaluation(training, results);
}
