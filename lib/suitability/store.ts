/**
 * species_models: each species' place in the fit queue and its last model. The worker's fit-model
 * job (job.ts) writes it; the API reads it. A fit in progress says which process runs it and
 * beats a heartbeat, so one left "fitting" by a dead worker is found and queued again.
 */
import { hostname } from "node:os";
import { pool } from "@/lib/db/pool";
import { modelStatusCode, modelStatusName, type ModelStatus } from "@/lib/domain/codes";
import { enqueueFitModel } from "@/lib/jobs/queue";
import { log } from "@/lib/log";
import type { MaxnetModel, ModelEvaluation } from "@/lib/model";

/** This process, as written into the rows of the fits it runs. */
export const THIS_WORKER = `${hostname()}:${process.pid}`;

/** A fit whose heartbeat is older than this is taken for dead. */
export const HEARTBEAT_TIMEOUT_SECONDS = 90;
export const HEARTBEAT_MS = 20_000;

export interface ModelState {
  speciesId: number;
  status: ModelStatus;
  version: number;
  requestedAt: Date | null;
  startedAt: Date | null;
  fittedAt: Date | null;
  failure: string | null;
  fitMs: number | null;
  layerSetId: number | null;
  dataVersion: number | null;
  recordsUsed: number | null;
  presenceCells: number | null;
  distinctLocations: number | null;
  evaluation: ModelEvaluation | null;
  settings: Record<string, unknown> | null;
}

const STATE_COLUMNS = `species_id, status, version, requested_at, started_at, fitted_at, failure, fit_ms, layer_set_id, data_version,
  records_used, presence_cells, distinct_locations, evaluation, settings`;

type StateRow = {
  species_id: number;
  status: number;
  version: number;
  requested_at: Date | null;
  started_at: Date | null;
  fitted_at: Date | null;
  failure: string | null;
  fit_ms: number | null;
  layer_set_id: number | null;
  data_version: number | null;
  records_used: number | null;
  presence_cells: number | null;
  distinct_locations: number | null;
  evaluation: ModelEvaluation | null;
  settings: Record<string, unknown> | null;
};
const toState = (r: StateRow): ModelState => ({
  speciesId: r.species_id,
  status: modelStatusName(r.status),
  version: r.version,
  requestedAt: r.requested_at,
  startedAt: r.started_at,
  fittedAt: r.fitted_at,
  failure: r.failure,
  fitMs: r.fit_ms,
  layerSetId: r.layer_set_id,
  dataVersion: r.data_version,
  recordsUsed: r.records_used,
  presenceCells: r.presence_cells,
  distinctLocations: r.distinct_locations,
  evaluation: r.evaluation,
  settings: r.settings,
});

export async function modelState(speciesId: number): Promise<ModelState | null> {
  const { rows } = await pool().query<StateRow>(`SELECT ${STATE_COLUMNS} FROM species_models WHERE species_id = $1`, [speciesId]);
  return rows[0] ? toState(rows[0]) : null;
}

/** The stored model and its version, for projection and download. */
export async function storedModel(speciesId: number): Promise<{ version: number; model: MaxnetModel; evaluation: ModelEvaluation; layerSetId: number | null } | null> {
  const { rows } = await pool().query<{ version: number; model: MaxnetModel; evaluation: ModelEvaluation; layer_set_id: number | null }>(
    "SELECT version, model, evaluation, layer_set_id FROM species_models WHERE species_id = $1 AND model IS NOT NULL",
    [speciesId],
  );
  const r = rows[0];
  return r ? { version: r.version, model: r.model, evaluation: r.evaluation, layerSetId: r.layer_set_id } : null;
}

/**
 * Puts a species in the queue: `requestedBy` (an expert) marks it a request, which goes first.
 * A fit already running is left to finish; the new job runs after it.
 */
export async function requestModel(speciesId: number, { requestedBy }: { requestedBy?: string } = {}): Promise<void> {
  await pool().query(
    `INSERT INTO species_models (species_id, status, requested_at, requested_by) VALUES ($1, $2, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, $3)
     ON CONFLICT (species_id) DO UPDATE SET
       status = CASE WHEN species_models.status = $4 THEN species_models.status ELSE $2 END,
       queued_at = now(),
       requested_at = coalesce(EXCLUDED.requested_at, species_models.requested_at),
       requested_by = coalesce(EXCLUDED.requested_by, species_models.requested_by)`,
    [speciesId, modelStatusCode.queued, requestedBy ?? null, modelStatusCode.fitting],
  );
  await enqueueFitModel({ speciesId, requested: true });
}

/** Marks the species as being fitted by this process. */
export async function startFit(speciesId: number): Promise<void> {
  await pool().query(
    `INSERT INTO species_models (species_id, status, started_at, worker, heartbeat_at) VALUES ($1, $2, now(), $3, now())
     ON CONFLICT (species_id) DO UPDATE SET status = $2, started_at = now(), worker = $3, heartbeat_at = now(), failure = NULL`,
    [speciesId, modelStatusCode.fitting, THIS_WORKER],
  );
}

export async function beat(speciesId: number): Promise<void> {
  await pool().query("UPDATE species_models SET heartbeat_at = now() WHERE species_id = $1 AND worker = $2", [speciesId, THIS_WORKER]);
}

export interface FittedModel {
  model: MaxnetModel;
  evaluation: ModelEvaluation;
  fitMs: number;
  layerSetId: number;
  dataVersion: number;
  recordsUsed: number;
  presenceCells: number;
  distinctLocations: number;
  recordIds: Buffer;
  settings: Record<string, unknown>;
}

/** Stores a new model: the version goes up, so tiles and downloads of the old one are not reused. */
export async function saveModel(speciesId: number, m: FittedModel): Promise<number> {
  const { rows } = await pool().query<{ version: number }>(
    `UPDATE species_models SET status = $2, version = version + 1, fitted_at = now(), fit_ms = $3, failure = NULL, worker = NULL,
       requested_at = NULL, requested_by = NULL, layer_set_id = $4, data_version = $5, records_used = $6, presence_cells = $7,
       distinct_locations = $8, record_ids = $9, model = $10, evaluation = $11, settings = $12
     WHERE species_id = $1 RETURNING version`,
    [speciesId, modelStatusCode.ready, Math.round(m.fitMs), m.layerSetId, m.dataVersion, m.recordsUsed, m.presenceCells, m.distinctLocations, m.recordIds, JSON.stringify(m.model), JSON.stringify(m.evaluation), JSON.stringify(m.settings)],
  );
  return rows[0].version;
}

/**
 * A species that cannot be modelled now (too few records, or the fit failed): the status and
 * reason are stored; a model fitted before stays available, its version unchanged.
 */
export async function saveOutcome(speciesId: number, status: "failed" | "not_enough_records", failure: string, counts: { recordsUsed: number; distinctLocations: number; presenceCells?: number }): Promise<void> {
  await pool().query(
    `INSERT INTO species_models (species_id, status, failure, records_used, distinct_locations, presence_cells) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (species_id) DO UPDATE SET status = $2, failure = $3, worker = NULL, requested_at = NULL, requested_by = NULL,
       records_used = $4, distinct_locations = $5, presence_cells = $6`,
    [speciesId, modelStatusCode[status], failure, counts.recordsUsed, counts.distinctLocations, counts.presenceCells ?? null],
  );
}

/** What the last model was fitted from, to decide whether the records changed enough to refit. */
export async function fittedFrom(speciesId: number): Promise<{ status: ModelStatus; layerSetId: number | null; recordIds: Buffer | null; requested: boolean } | null> {
  const { rows } = await pool().query<{ status: number; layer_set_id: number | null; record_ids: Buffer | null; requested_at: Date | null }>(
    "SELECT status, layer_set_id, record_ids, requested_at FROM species_models WHERE species_id = $1",
    [speciesId],
  );
  const r = rows[0];
  return r ? { status: modelStatusName(r.status), layerSetId: r.layer_set_id, recordIds: r.record_ids, requested: r.requested_at !== null } : null;
}

function pidIsDead(worker: string): boolean {
  const [host, pid] = worker.split(":");
  if (host !== hostname()) return false;
  if (Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Fits left "fitting" by a worker that died (its process gone from this host, or its heartbeat
 * stopped) go back to the queue. Run at worker start and every minute.
 */
export async function requeueOrphanedFits(): Promise<number[]> {
  const { rows } = await pool().query<{ species_id: number; worker: string | null; stale: boolean }>(
    `SELECT species_id, worker, heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $2) AS stale
       FROM species_models WHERE status = $1`,
    [modelStatusCode.fitting, HEARTBEAT_TIMEOUT_SECONDS],
  );
  const orphans = rows.filter((r) => r.stale || (r.worker !== null && pidIsDead(r.worker))).map((r) => r.species_id);
  for (const speciesId of orphans) {
    await pool().query("UPDATE species_models SET status = $2, worker = NULL, queued_at = now() WHERE species_id = $1 AND status = $3", [speciesId, modelStatusCode.queued, modelStatusCode.fitting]);
    await enqueueFitModel({ speciesId, requested: true });
  }
  if (orphans.length) log.warn({ species: orphans }, "model fits left by a dead worker queued again");
  return orphans;
}

/**
 * Species left queued without a job (a job that found no current layer set yet, or a queue
 * cleared by hand) get one: run at worker start, after LAYER_SETS_DIR is registered. The queue
 * keeps one waiting job per species, so this never doubles one.
 */
export async function requeueWaiting(): Promise<number> {
  const { rows } = await pool().query<{ species_id: number }>(
    "SELECT species_id FROM species_models WHERE status = $1",
    [modelStatusCode.queued],
  );
  for (const r of rows) await enqueueFitModel({ speciesId: r.species_id, requested: true });
  return rows.length;
}
