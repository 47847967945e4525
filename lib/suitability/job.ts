/**
 * The worker's fit-model job: fit a species' suitability model on the current layer set from the
 * records that count (lib/distribution's rules, accurate coordinates of sensitive records), when
 * it was asked for or when at least MODEL_REFIT_PERCENT of those records changed since the last fit.
 */
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { transaction } from "@/lib/db/transaction";
import { DEFAULT_SETTINGS } from "@/lib/distribution/build";
import { countedRecords } from "@/lib/distribution/records";
import { listLayerSets, CURRENT } from "@/lib/layers/store";
import { log } from "@/lib/log";
import { runFit } from "./fit";
import { loadLayers } from "./layers";
import { changedShare, decodeIds, encodeIds } from "./record-ids";
import { backgroundCells, distinctLocations, presenceCells, rowsOf } from "./sample";
import { beat, fittedFrom, HEARTBEAT_MS, saveModel, saveOutcome, startFit } from "./store";

/** Background draws and CV folds are seeded: the same records give the same model. */
const SEED = 1;
const FOLDS = 4;

export type FitResult = "fitted" | "unchanged" | "not_enough_records" | "failed" | "no_layers" | "no_species";

export async function handleFitModel({ speciesId, requested = false }: { speciesId: number; requested?: boolean }): Promise<FitResult> {
  const c = config();
  const current = (await listLayerSets()).find((s) => s.scenario === CURRENT);
  if (!current) {
    log.info({ speciesId }, "no current layer set registered: models wait for one");
    return "no_layers";
  }
  const before = await fittedFrom(speciesId);

  // Records and data version in one snapshot, as the range build reads them.
  const read = await transaction(async (client) => {
    const s = await client.query<{ data_version: number; records_version: number }>("SELECT data_version, records_version FROM species WHERE id = $1", [speciesId]);
    if (!s.rows[0]) return null;
    // After a vetting, a large species' records come from the range build's memory (same process).
    const options = { includeContentious: false, excludedQualifiers: DEFAULT_SETTINGS.excludedQualifiers };
    const records = await countedRecords(client, speciesId, options, { recordsVersion: s.rows[0].records_version });
    return { dataVersion: s.rows[0].data_version, records };
  }, pool(), "snapshot");
  if (!read) return "no_species";
  const { records, dataVersion } = read;
  const ids = records.ids ?? new Float64Array();

  const asked = requested || before?.requested === true;
  if (!asked && before?.recordIds && before.layerSetId === current.id && before.status !== "failed") {
    const share = changedShare(decodeIds(before.recordIds), ids);
    if (share * 100 < c.MODEL_REFIT_PERCENT) return "unchanged";
  }

  const locations = distinctLocations(records.lon, records.lat);
  const counts = { recordsUsed: ids.length, distinctLocations: locations };
  if (locations <= c.MODEL_MIN_LOCATIONS) {
    await saveOutcome(speciesId, "not_enough_records", `${locations} distinct locations at 0.05°; a model needs more than ${c.MODEL_MIN_LOCATIONS}`, counts);
    return "not_enough_records";
  }

  await startFit(speciesId);
  const heartbeat = setInterval(() => void beat(speciesId).catch((err: unknown) => log.warn({ err, speciesId }, "model heartbeat failed")), HEARTBEAT_MS);
  try {
    const layers = await loadLayers(current);
    const pCells = presenceCells(layers, records.lon, records.lat);
    const bCells = backgroundCells(layers, c.MODEL_BACKGROUND, SEED);
    const p = rowsOf(layers, pCells);
    const b = rowsOf(layers, bCells);
    const settings = { background: bCells.length, folds: FOLDS, seed: SEED, minLocations: c.MODEL_MIN_LOCATIONS, layerSet: current.name, variables: layers.variables };
    const outcome = await runFit({
      variables: layers.variables,
      presence: p.rows,
      background: b.rows,
      presencePositions: p.positions,
      backgroundPositions: b.positions,
      settings: {},
      folds: FOLDS,
      seed: SEED,
    });
    if (!outcome.ok) {
      const status = outcome.code === "not-enough-presences" ? "not_enough_records" : "failed";
      await saveOutcome(speciesId, status, outcome.message, { ...counts, presenceCells: pCells.length });
      log.warn({ speciesId, code: outcome.code, problem: outcome.message }, "model not fitted");
      return status;
    }
    const version = await saveModel(speciesId, {
      model: outcome.model,
      evaluation: outcome.evaluation,
      fitMs: outcome.fitMs + outcome.evaluateMs,
      layerSetId: current.id,
      dataVersion,
      recordsUsed: ids.length,
      presenceCells: pCells.length,
      distinctLocations: locations,
      recordIds: encodeIds(ids),
      settings,
    });
    log.info({ speciesId, version, presences: pCells.length, fitMs: Math.round(outcome.fitMs), evaluateMs: Math.round(outcome.evaluateMs) }, "model fitted");
    return "fitted";
  } catch (err) {
    await saveOutcome(speciesId, "failed", err instanceof Error ? err.message : String(err), counts).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}
