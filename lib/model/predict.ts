/**
 * maxnet's predict.maxnet: link = Σ β·feature + alpha, then the output transform; with clamping
 * (the default), predictors are first held to their training range, then features to theirs.
 */
import { ModelInputError } from "./errors";
import { featureValue } from "./features";
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

/** The link of one row of predictor values (`values`, one per variable), clamped or not. */
function linkOf(model: MaxnetModel, values: Float64Array, clamp: boolean): number {
  const { features, betas } = model;
  if (clamp) {
    for (let v = 0; v < values.length; v++) values[v] = Math.min(Math.max(values[v], model.varMin[v]), model.varMax[v]);
  }
  let link = model.alpha;
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    let value = featureValue(f, values[f.variable], f.type === "product" ? values[f.other] : 0);
    if (clamp) value = Math.min(Math.max(value, model.featureMins[j]), model.featureMaxs[j]);
    link += betas[j] * value;
  }
  return link;
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
  const out = options.out ?? new Float64Array(end - start);
  const clamp = options.clamp ?? true;
  const values = new Float64Array(nv);
  for (let i = start; i < end; i++) {
    let finite = true;
    for (let v = 0; v < nv; v++) {
      const x = columns[v][i];
      if (!Number.isFinite(x)) finite = false;
      values[v] = x;
    }
    out[i - start] = finite ? transform(linkOf(model, values, clamp), type, model.entropy) : Number.NaN;
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
  checkType(type);
  const nv = model.variables.length;
  const out = new Float64Array(rows.length);
  const values = new Float64Array(nv);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length !== nv) {
      throw new ModelInputError("variable-count-mismatch", `Row ${i} has ${row.length} values; the model has ${nv} variables.`);
    }
    let finite = true;
    for (let v = 0; v < nv; v++) {
      values[v] = row[v];
      if (!Number.isFinite(row[v])) finite = false;
    }
    out[i] = finite ? transform(linkOf(model, values, clamp), type, model.entropy) : Number.NaN;
  }
  return out;
}
