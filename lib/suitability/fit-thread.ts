/**
 * One fit thread (runFit, fit.ts): it answers tasks on the rows it was started with, one at a time,
 * off the worker's event loop (a large species takes minutes of CPU). Task "model": the main fit
 * and its training measures; task k ≥ 0: cross-validation fold k. Results go back as plain JSON.
 */
import { parentPort, workerData } from "node:worker_threads";
import { evaluateFold, fitMaxnet, ModelInputError, resolveSettings, trainingEvaluation, type EvaluationData } from "@/lib/model";
import type { FitInput, FitTask, TaskResult } from "./fit";

function rowsOf(flat: Float64Array, nv: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let r = 0; r < flat.length / nv; r++) rows.push(flat.subarray(r * nv, (r + 1) * nv));
  return rows;
}

const input = workerData as FitInput;
const nv = input.variables.length;
const data: EvaluationData = {
  presence: rowsOf(input.presence, nv),
  background: rowsOf(input.background, nv),
  presencePositions: input.presencePositions,
  backgroundPositions: input.backgroundPositions,
};

function run(task: FitTask): TaskResult {
  const started = performance.now();
  try {
    if (task === "model") {
      const model = fitMaxnet(data.presence, data.background, input.variables, input.settings);
      const fitMs = performance.now() - started;
      return { task, ok: true, model, training: trainingEvaluation(model, data, input.seed), fitMs };
    }
    // The fold's settings are those the main fit resolves, known before it ends.
    const { features, regmult } = resolveSettings(input.settings, data.presence.length);
    return { task, ok: true, fold: evaluateFold(input.variables, { features, regmult }, data, input.folds, task) };
  } catch (err) {
    if (err instanceof ModelInputError) return { task, ok: false, code: err.code, message: err.message };
    return { task, ok: false, code: "internal", message: err instanceof Error ? err.message : String(err) };
  }
}

parentPort!.on("message", (task: FitTask) => parentPort!.postMessage(run(task)));
