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

/** Rows per block: the features are applied block by block, each in a tight loop over its rows. */
const BLOCK = 2048;

/**
 * Links of `count` rows whose values are in `x` (variable v of row i at v·BLOCK + i), written to
 * `link`. Values are clamped in place first when asked.
 */
function blockLinks(model: MaxnetModel, c: Compiled, x: Float64Array, count: number, clamp: boolean, link: Float64Array): void {
  if (clamp) {
    for (let v = 0; v < c.vmin.length; v++) {
      const lo = c.vmin[v];
      const hi = c.vmax[v];
      for (let i = v * BLOCK, end = i + count; i < end; i++) x[i] = Math.min(Math.max(x[i], lo), hi);
    }
  }
  link.fill(model.alpha, 0, count);
  for (let j = 0; j < c.kind.length; j++) {
    const o = c.variable[j] * BLOCK;
    const beta = c.beta[j];
    const lo = clamp ? c.fmin[j] : -Infinity;
    const hi = clamp ? c.fmax[j] : Infinity;
    const p = c.p[j];
    const scale = c.scale[j];
    switch (c.kind[j]) {
      case LINEAR:
        for (let i = 0; i < count; i++) link[i] += beta * Math.min(Math.max(x[o + i], lo), hi);
        break;
      case QUADRATIC:
        for (let i = 0; i < count; i++) link[i] += beta * Math.min(Math.max(x[o + i] * x[o + i], lo), hi);
        break;
      case PRODUCT: {
        const o2 = c.other[j] * BLOCK;
        for (let i = 0; i < count; i++) link[i] += beta * Math.min(Math.max(x[o + i] * x[o2 + i], lo), hi);
        break;
      }
      case HINGE:
        // maxnet's hingeval: min(1, max(0, (x − min)/(max − min))).
        for (let i = 0; i < count; i++) link[i] += beta * Math.min(Math.max(Math.min(1, Math.max(0, (x[o + i] - p) * scale)), lo), hi);
        break;
      default:
        for (let i = 0; i < count; i++) link[i] += beta * Math.min(Math.max(x[o + i] >= p ? 1 : 0, lo), hi);
    }
  }
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
  const compiled = compile(model);
  const x = new Float64Array(nv * BLOCK);
  const link = new Float64Array(BLOCK);
  const missing = new Uint8Array(BLOCK);
  for (let from = start; from < end; from += BLOCK) {
    const count = Math.min(BLOCK, end - from);
    missing.fill(0);
    for (let v = 0; v < nv; v++) {
      const col = columns[v];
      const o = v * BLOCK;
      for (let i = 0; i < count; i++) {
        const value = col[from + i];
        x[o + i] = value;
        if (!Number.isFinite(value)) missing[i] = 1;
      }
    }
    blockLinks(model, compiled, x, count, clamp, link);
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
