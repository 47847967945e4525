/**
 * The fit and its evaluation, off the worker's event loop (a large species takes minutes of CPU):
 * rows arrive as flat arrays, the model and evaluation go back as plain JSON.
 */
import { parentPort, workerData } from "node:worker_threads";
import { evaluate, fitMaxnet, ModelInputError } from "@/lib/model";
import type { FitInput, FitOutcome } from "./fit";

function rowsOf(flat: Float64Array, nv: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let r = 0; r < flat.length / nv; r++) rows.push(flat.subarray(r * nv, (r + 1) * nv));
  return rows;
}

const input = workerData as FitInput;
let outcome: FitOutcome;
try {
  const nv = input.variables.length;
  const presence = rowsOf(input.presence, nv);
  const background = rowsOf(input.background, nv);
  const started = performance.now();
  const model = fitMaxnet(presence, background, input.variables, input.settings);
  const fitMs = performance.now() - started;
  const evaluation = evaluate(model, { presence, background, presencePositions: input.presencePositions, backgroundPositions: input.backgroundPositions }, { folds: input.folds, seed: input.seed });
  outcome = { ok: true, model, evaluation, fitMs, evaluateMs: performance.now() - started - fitMs };
} catch (err) {
  outcome = err instanceof ModelInputError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: "internal", message: err instanceof Error ? err.message : String(err) };
}
parentPort!.postMessage(outcome);
