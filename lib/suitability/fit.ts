/**
 * Runs a fit in a worker thread, so the worker's event loop stays free: its queues keep polling
 * and its heartbeat keeps saying the fit is alive. The thread's memory is bounded by its input.
 */
import { Worker } from "node:worker_threads";
import type { MaxnetModel, ModelErrorCode, ModelEvaluation, ModelSettings } from "@/lib/model";

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
  | { ok: true; model: MaxnetModel; evaluation: ModelEvaluation; fitMs: number; evaluateMs: number }
  | { ok: false; code: ModelErrorCode | "internal"; message: string };

const ENTRY = new URL("./fit-thread.mjs", import.meta.url);

export function runFit(input: FitInput): Promise<FitOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: input });
    let done = false;
    worker.once("message", (outcome: FitOutcome) => {
      done = true;
      resolve(outcome);
      void worker.terminate();
    });
    worker.once("error", (err) => {
      done = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!done) reject(new Error(`the fit thread exited with code ${code} before answering`));
    });
  });
}
