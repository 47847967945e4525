/**
 * The model core: a TypeScript port of maxnet (docs/model.md). Plain data in, plain data out:
 * no database, no Next.js.
 */
export type { Feature, MaxnetModel, ModelSettings, PredictionType } from "./types";
export { ModelInputError, type ModelErrorCode } from "./errors";
export { fitMaxnet, resolveSettings, DEFAULT_MIN_PRESENCES } from "./maxnet";
export { predict, predictColumns, type PredictOptions } from "./predict";
export { featureName } from "./features";
export { parseModel, maxnetModelSchema } from "./schema";
export {
  evaluate,
  evaluateFold,
  trainingEvaluation,
  combineEvaluation,
  auc,
  maxSensSpecThreshold,
  spatialBlocks,
  DEFAULT_FOLDS,
  type EvaluationData,
  type EvaluationOptions,
  type ModelEvaluation,
  type FoldEvaluation,
  type TrainingEvaluation,
} from "./evaluate";
