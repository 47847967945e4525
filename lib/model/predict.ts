/**
 * maxnet's predict.maxnet: link = Σ β·feature + alpha, then the output transform; with clamping
 * (the default), predictors are first held to their training range, then features to theirs.
 */
import { ModelInputError } from "./errors";
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

const LINEAR = 0;
const QUADRATIC = 1;
const PRODUCT = 2;
const HINGE = 3;
const THRESHOLD = 4;

/** A model's features as typed arrays: grids call the link millions of times. */
type Compiled = {
  kind: Uint8Array;
  variable: Uint32Array;
  other: Uint32Array;
  /** hinge min or threshold knot; hinge 1 / (max − min). */
  p: Float64Array;
  scale: Float64Array;
  beta: Float64Array;
  fmin: Float64Array;
  fmax: Float64Array;
  vmin: Float64Array;
  vmax: Float64Array;
};
const compiledModels = new WeakMap<MaxnetModel, Compiled>();

function compile(model: MaxnetModel): Compiled {
  let c = compiledModels.get(model);
  if (c) return c;
  const nf = model.features.length;
  c = {
    kind: new Uint8Array(nf),
    variable: new Uint32Array(nf),
    other: new Uint32Array(nf),
    p: new Float64Array(nf),
    scale: new Float64Array(nf),
    beta: Float64Array.from(model.betas),
    fmin: Float64Array.from(model.featureMins),
    fmax: Float64Array.from(model.featureMaxs),
    vmin: Float64Array.from(model.varMin),
    vmax: Float64Array.from(model.varMax),
  };
  model.features.forEach((f, j) => {
    c.variable[j] = f.variable;
    if (f.type === "linear") c.kind[j] = LINEAR;
    else if (f.type === "quadratic") c.kind[j] = QUADRATIC;
    else if (f.type === "product") {
      c.kind[j] = PRODUCT;
      c.other[j] = f.other;
    } else if (f.type === "hinge") {
      c.kind[j] = HINGE;
      c.p[j] = f.min;
      c.scale[j] = 1 / (f.max - f.min);
    } else {
      c.kind[j] = THRESHOLD;
      c.p[j] = f.knot;
    }
  });
  compiledModels.set(model, c);
  return c;
}

/** The link of one row of predictor values (`values`, one per variable), clamped or not. */
function linkOf(model: MaxnetModel, c: Compiled, values: Float64Array, clamp: boolean): number {
  if (clamp) {
    for (let v = 0; v < values.length; v++) values[v] = Math.min(Math.max(values[v], c.vmin[v]), c.vmax[v]);
  }
  let link = model.alpha;
  const { kind, variable, beta } = c;
  for (let j = 0; j < kind.length; j++) {
    const x = values[variable[j]];
    let value: number;
    switch (kind[j]) {
      case LINEAR:
        value = x;
        break;
      case QUADRATIC:
        value = x * x;
        break;
      case PRODUCT:
        value = x * values[c.other[j]];
        break;
      case HINGE:
        // maxnet's hingeval: min(1, max(0, (x − min)/(max − min))).
        value = Math.min(1, Math.max(0, (x - c.p[j]) * c.scale[j]));
        break;
      default:
        value = x >= c.p[j] ? 1 : 0;
    }
    if (clamp) value = Math.min(Math.max(value, c.fmin[j]), c.fmax[j]);
    link += beta[j] * value;
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
  const compiled = compile(model);
  for (let i = start; i < end; i++) {
    let finite = true;
    for (let v = 0; v < nv; v++) {
      const x = columns[v][i];
      if (!Number.isFinite(x)) finite = false;
      values[v] = x;
    }
    out[i - start] = finite ? transform(linkOf(model, compiled, values, clamp), type, model.entropy) : Number.NaN;
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
  const compiled = compile(model);
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
    out[i] = finite ? transform(linkOf(model, compiled, values, clamp), type, model.entropy) : Number.NaN;
  }
  return out;
}
