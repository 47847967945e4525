/**
 * Runs a fit and its evaluation in worker threads, so the worker's event loop stays free: its
 * queues keep polling and its heartbeat keeps saying the fit is alive. The main fit and the
 * cross-validation folds are independent fits of about the same cost, so they are spread over
 * MODEL_FIT_THREADS threads (default 2, the machine's cores): with 4 folds, 5 fits in 3 fits' time.
 * Each thread's memory is bounded by one fit of the input (docs/model.md, "Limits").
 */
import { Worker } from "node:worker_threads";
import { config } from "@/lib/config";
import { combineEvaluation, spatialBlocks, type FoldEvaluation, type MaxnetModel, type ModelErrorCode, type ModelEvaluation, type ModelSettings, type TrainingEvaluation } from "@/lib/model";

export interface FitInput {
  variables: string[];
  /** Rows × variables, flat. */
  presence: Float64Array;
  background: Float64Array;
  /** lon, lat per row. */
  presencePositions: Float64Array;
  backgroundPositions: Float64Array;
  settings: ModelSettings;
  folds: number;
  seed: number;
}

export type FitOutcome =
  /** fitMs: the main fit alone; evaluateMs: the rest of the wall time until every fold was in. */
  | { ok: true; model: MaxnetModel; evaluation: ModelEvaluation; fitMs: number; evaluateMs: number }
  | { ok: false; code: ModelErrorCode | "internal"; message: string };

/** "model": the main fit and its training measures; a number: that cross-validation fold. */
export type FitTask = "model" | number;
type Failure = { task: FitTask; ok: false; code: ModelErrorCode | "internal"; message: string };
export type TaskResult =
  | { task: "model"; ok: true; model: MaxnetModel; training: TrainingEvaluation; fitMs: number }
  | { task: number; ok: true; fold: FoldEvaluation }
  | Failure;

const ENTRY = new URL("./fit-thread.mjs", import.meta.url);

export function runFit(input: FitInput, threads = config().MODEL_FIT_THREADS): Promise<FitOutcome> {
  try {
    // A bad fold count is refused here, before any thread starts.
    spatialBlocks(new Float64Array(), new Float64Array(), input.folds);
  } catch (err) {
    return Promise.resolve({ ok: false, code: "invalid-settings", message: err instanceof Error ? err.message : String(err) });
  }
  const started = performance.now();
  // The main fit first: should it fail, the folds are not worth finishing.
  const queue: FitTask[] = ["model", ...Array.from({ length: input.folds }, (_, k) => k)];
  const workers = Array.from({ length: Math.max(1, Math.min(threads, queue.length)) }, () => new Worker(ENTRY, { workerData: input }));
  const folds: FoldEvaluation[] = new Array(input.folds);
  let main: Extract<TaskResult, { task: "model"; ok: true }> | undefined;
  let pending = queue.length;

  return new Promise<FitOutcome>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: FitOutcome | Error) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const next = (worker: Worker) => {
      const task = queue.shift();
      if (task !== undefined) worker.postMessage(task);
    };
    for (const worker of workers) {
      worker.on("message", (result: TaskResult) => {
        if (!result.ok) {
          finish({ ok: false, code: result.code, message: result.message });
          return;
        }
        if (result.task === "model") main = result;
        else folds[result.task] = result.fold;
        if (--pending > 0) {
          next(worker);
          return;
        }
        const m = main!;
        finish({ ok: true, model: m.model, evaluation: combineEvaluation(m.training, folds), fitMs: m.fitMs, evaluateMs: performance.now() - started - m.fitMs });
      });
      worker.once("error", (err) => finish(err));
      worker.once("exit", (code) => finish(new Error(`a fit thread exited with code ${code} before answering`)));
      next(worker);
    }
  });
}
