/**
 * What the model endpoints answer (app/api/distributions/{speciesId}/model…): the status and
 * evaluation, the scenarios a model can be shown on, and projections for tiles and downloads.
 * Nothing here carries a record position: the model is a function of climate values, and the
 * evaluation holds counts, AUCs, a threshold and contributions.
 */
import { pool } from "@/lib/db/pool";
import { HttpError } from "@/lib/http/respond";
import { CURRENT, listLayerSets, type LayerSet } from "@/lib/layers/store";
import type { MaxnetModel, ModelEvaluation } from "@/lib/model";
import { projectionOf, type Projection } from "./projection";
import { modelState, requestModel, storedModel, type ModelState } from "./store";

export interface ModelScenario {
  /** The layer set's id: the {scenario} of the tile and download paths. */
  id: number;
  name: string;
  scenario: string;
  year: number | null;
}

export interface ModelAnswer {
  speciesId: number;
  status: ModelState["status"] | "no_layers";
  version: number;
  fittedAt: Date | null;
  requestedAt: Date | null;
  failure: string | null;
  recordsUsed: number | null;
  presenceCells: number | null;
  distinctLocations: number | null;
  evaluation: ModelEvaluation | null;
  settings: Record<string, unknown> | null;
  scenarios: ModelScenario[];
}

async function speciesExists(speciesId: number): Promise<void> {
  const { rowCount } = await pool().query("SELECT 1 FROM species WHERE id = $1", [speciesId]);
  if (!rowCount) throw new HttpError(404, "species_not_found", `There is no species ${speciesId}.`);
}

/**
 * The model's state. A species never modelled is queued on this first look (models are fitted
 * lazily where MODEL_FIT_ALL is off), once a current layer set exists.
 */
export async function modelAnswer(speciesId: number): Promise<ModelAnswer> {
  await speciesExists(speciesId);
  const sets = await listLayerSets();
  let state = await modelState(speciesId);
  const current = sets.find((s) => s.scenario === CURRENT);
  if (!state && current) {
    await requestModel(speciesId);
    state = await modelState(speciesId);
  }
  return {
    speciesId,
    status: current ? (state?.status ?? "queued") : "no_layers",
    version: state?.version ?? 0,
    fittedAt: state?.fittedAt ?? null,
    requestedAt: state?.requestedAt ?? null,
    failure: state?.failure ?? null,
    recordsUsed: state?.recordsUsed ?? null,
    presenceCells: state?.presenceCells ?? null,
    distinctLocations: state?.distinctLocations ?? null,
    evaluation: state?.evaluation ?? null,
    settings: state?.settings ?? null,
    scenarios: sets.map((s) => ({ id: s.id, name: s.name, scenario: s.scenario, year: s.year })),
  };
}

/** An expert's "request a new model". */
export async function requestNewModel(speciesId: number, requestedBy: string): Promise<ModelAnswer> {
  await speciesExists(speciesId);
  if (!(await listLayerSets()).some((s) => s.scenario === CURRENT)) throw new HttpError(409, "no_layers", "No current climate layer set is registered, so no model can be fitted.");
  await requestModel(speciesId, { requestedBy });
  return modelAnswer(speciesId);
}

/** The stored model as the download gives it: enough to re-predict exactly (lib/model parseModel). */
export async function modelDownload(speciesId: number): Promise<{ version: number; model: MaxnetModel; evaluation: ModelEvaluation; settings: unknown }> {
  await speciesExists(speciesId);
  const stored = await storedModel(speciesId);
  if (!stored) throw new HttpError(404, "model_not_ready", `Species ${speciesId} has no model yet.`);
  const state = await modelState(speciesId);
  return { version: stored.version, model: stored.model, evaluation: stored.evaluation, settings: state?.settings ?? null };
}

export function parseScenarioId(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new HttpError(400, "invalid_scenario", `"${value}" is not a scenario (layer set) id.`);
  return Number(value);
}

/** The species' model projected onto a scenario, with its version and threshold. */
export async function projectionFor(speciesId: number, setId: number): Promise<{ projection: Projection; version: number; threshold: number; set: LayerSet; model: MaxnetModel }> {
  const stored = await storedModel(speciesId);
  if (!stored) throw new HttpError(404, "model_not_ready", `Species ${speciesId} has no model yet.`);
  const set = (await listLayerSets()).find((s) => s.id === setId);
  if (!set) throw new HttpError(404, "scenario_not_found", `There is no scenario (layer set) ${setId}.`);
  const projection = await projectionOf(speciesId, stored.version, stored.model, set);
  return { projection, version: stored.version, threshold: stored.evaluation.threshold, set, model: stored.model };
}
