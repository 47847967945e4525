/**
 * The model's data: plain, JSON-serialisable, so a stored or downloaded model re-predicts exactly.
 * Variables are referred to by their index in `MaxnetModel.variables`.
 */

/** One maxnet feature of the predictors (maxnet's `model.matrix` columns, `lib/model/features.ts`). */
export type Feature =
  | { type: "linear"; variable: number }
  | { type: "quadratic"; variable: number }
  | { type: "product"; variable: number; other: number }
  /** maxnet's `hingeval(x, min, max)`: 0 below `min`, 1 above `max`, linear between. */
  | { type: "hinge"; variable: number; min: number; max: number }
  /** maxnet's `thresholdval(x, knot)`: 1 where x ≥ knot, else 0. */
  | { type: "threshold"; variable: number; knot: number };

export type ModelSettings = {
  /** maxnet's feature classes, any of "lqpht" (e.g. "lqph", "lq"); by default chosen by presence count as maxnet does. */
  features?: string;
  /** Multiplies every regularisation constant (maxnet's `regmult`), default 1. */
  regmult?: number;
  /** Fewest presence rows the fit accepts (default 20, the "distinct cells" minimum; at least 2). */
  minPresences?: number;
};

export type PredictionType = "link" | "exponential" | "cloglog" | "logistic";

export type MaxnetModel = {
  /** Format version of this object. */
  format: 1;
  variables: string[];
  /** The settings as resolved: `features` is the classes actually used. */
  settings: { features: string; regmult: number };
  /** The features with a non-zero coefficient, and their coefficients (maxnet's `betas`). */
  features: Feature[];
  betas: number[];
  /** Offset making the exponential output sum to 1 over the background (maxnet's `alpha`). */
  alpha: number;
  /** Entropy of the exponential output over the background (maxnet's `entropy`). */
  entropy: number;
  /** Each feature's range over the training rows, for clamping (maxnet's `featuremins`/`featuremaxs`). */
  featureMins: number[];
  featureMaxs: number[];
  /** Each variable's range over the training rows, for clamping (maxnet's `varmin`/`varmax`). */
  varMin: number[];
  varMax: number[];
  /** Each variable's mean over the presences (maxnet's `samplemeans`). */
  sampleMeans: number[];
  presenceCount: number;
  /** Background rows fitted: the given background plus the presences not already in it (maxnet's `addsamplestobackground`). */
  backgroundCount: number;
  /** The last λ of the path, the one the coefficients are for. */
  lambda: number;
};
