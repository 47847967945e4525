/** Why the model core refused its input; `code` is stable for callers to map to statuses and messages. */
export type ModelErrorCode =
  | "not-enough-presences"
  | "no-background"
  | "variable-count-mismatch"
  | "non-finite-value"
  | "constant-variable"
  | "invalid-settings"
  | "invalid-model"
  | "fit-failed";

export class ModelInputError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ModelInputError";
  }
}
