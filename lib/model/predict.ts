/**
 * maxnet's predict.maxnet: link = Σ β·feature + alpha, then the output transform; with clamping
 * (the default), predictors are first held to their training range, then features to theirs.
 */
import { ModelInputError } from "./errors";
import { featureColumn } from "./features";
import type { MaxnetModel, PredictionType } from "./types";

export type PredictOptions = {
  /** Clamp to the training ranges (maxnet's default, true). */
  clamp?: boolean;
  /** Rows [start, end) of the columns only (default: all), for chunked projection of large grids. */
  start?: number;
  end?: number;
  /** Where to write (end − start values); allocated when not given. */
  out?: Float64Array;
};

/** The output transform of a link value, as predict.maxnet defines it. */
export function transform(link: number, type: PredictionType, entropy: number): number {
  switch (type) {
    case "link":
      return link;
    case "exponential":
      return Math.exp(link);
    case "cloglog":
      return 1 - Math.exp(-Math.exp(entropy + link));
    case "logistic":
      return 1 / (1 + Math.exp(-entropy - link));
  }
}

/** Rows per block: the features are applied block by block, each in a tight loop over its rows. */
const BLOCK = 2048;

/**
 * Links of `count` rows whose values are in `x` (variable v's values in x[v], BLOCK long), written
 * to `link`. Values are clamped in place first when asked.
 */
function blockLinks(model: MaxnetModel, x: Float64Array[], count: number, clamp: boolean, link: Float64Array, values: Float64Array): void {
  if (clamp) {
    x.forEach((col, v) => {
      const lo = model.varMin[v];
      const hi = model.varMax[v];
      for (let i = 0; i < count; i++) col[i] = Math.min(Math.max(col[i], lo), hi);
    });
  }
  link.fill(model.alpha, 0, count);
  model.features.forEach((f, j) => {
    featureColumn(f, x, values, count);
    const beta = model.betas[j];
    const lo = clamp ? model.featureMins[j] : -Infinity;
    const hi = clamp ? model.featureMaxs[j] : Infinity;
    for (let i = 0; i < count; i++) link[i] += beta * Math.min(Math.max(values[i], lo), hi);
  });
}

function checkType(type: PredictionType): void {
  if (!["link", "exponential", "cloglog", "logistic"].includes(type)) {
    throw new ModelInputError("invalid-settings", `Prediction type "${type}" is not one of link, exponential, cloglog, logistic.`);
  }
}

/**
 * Predictions for rows given one column per model variable (in `model.variables` order), such as
 * the bands of a raster: a row with any non-finite value (nodata) gives NaN.
 */
export function predictColumns(
  model: MaxnetModel,
  columns: readonly ArrayLike<number>[],
  type: PredictionType,
  options: PredictOptions = {},
): Float64Array {
  checkType(type);
  const nv = model.variables.length;
  if (columns.length !== nv) {
    throw new ModelInputError("variable-count-mismatch", `The model has ${nv} variables but ${columns.length} columns were given.`);
  }
  const length = columns[0]?.length ?? 0;
  for (const c of columns) {
    if (c.length !== length) throw new ModelInputError("variable-count-mismatch", "The columns differ in length.");
  }
  const start = options.start ?? 0;
  const end = options.end ?? length;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start > end) {
    throw new ModelInputError("invalid-settings", `Rows ${start} to ${end} are not a range within the ${length} rows given.`);
  }
  const out = options.out ?? new Float64Array(end - start);
  if (out.length < end - start) {
    throw new ModelInputError("invalid-settings", `The output holds ${out.length} values; rows ${start} to ${end} need ${end - start}.`);
  }
  const clamp = options.clamp ?? true;
  const x = Array.from({ length: nv }, () => new Float64Array(BLOCK));
  const link = new Float64Array(BLOCK);
  const values = new Float64Array(BLOCK);
  const missing = new Uint8Array(BLOCK);
  for (let from = start; from < end; from += BLOCK) {
    const count = Math.min(BLOCK, end - from);
    missing.fill(0);
    for (let v = 0; v < nv; v++) {
      const col = columns[v];
      const xv = x[v];
      for (let i = 0; i < count; i++) {
        const value = col[from + i];
        xv[i] = value;
        if (!Number.isFinite(value)) missing[i] = 1;
      }
    }
    blockLinks(model, x, count, clamp, link, values);
    const o = from - start;
    for (let i = 0; i < count; i++) out[o + i] = missing[i] ? Number.NaN : transform(link[i], type, model.entropy);
  }
  return out;
}

/** Predictions for rows of predictor values (each in `model.variables` order), as maxnet's predict. */
export function predict(
  model: MaxnetModel,
  rows: ArrayLike<ArrayLike<number>>,
  type: PredictionType,
  clamp = true,
): Float64Array {
  const nv = model.variables.length;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== nv) {
      throw new ModelInputError("variable-count-mismatch", `Row ${i} has ${rows[i].length} values; the model has ${nv} variables.`);
    }
  }
  const columns = Array.from({ length: nv }, (_, v) => Float64Array.from({ length: rows.length }, (_, i) => rows[i][v]));
  return predictColumns(model, columns, type, { clamp });
}
