-- Each species' suitability model (lib/suitability, issue 18): its state in the fit queue, and the
-- last model fitted (maxnet JSON, lib/model parseModel), its evaluation and what it was fitted from.
CREATE TABLE species_models (
  species_id         integer PRIMARY KEY REFERENCES species(id) ON DELETE CASCADE,
  -- lib/domain/codes.ts modelStatusCode: 1 queued, 2 fitting, 3 ready, 4 failed, 5 not enough records.
  status             smallint NOT NULL,
  -- Counts the models stored; tiles and downloads are keyed by it.
  version            integer NOT NULL DEFAULT 0,
  -- When an expert asked for a new model (requests go first), and who.
  requested_at       timestamptz(3),
  requested_by       text,
  queued_at          timestamptz(3) NOT NULL DEFAULT now(),
  started_at         timestamptz(3),
  -- The fitting process ("host:pid") and its last sign of life: a fit whose heartbeat stopped is requeued.
  worker             text,
  heartbeat_at       timestamptz(3),
  failure            text,
  fitted_at          timestamptz(3),
  fit_ms             integer,
  -- What the stored model was fitted from.
  layer_set_id       integer REFERENCES layer_sets(id) ON DELETE SET NULL,
  data_version       integer,
  records_used       integer,
  presence_cells     integer,
  distinct_locations integer,
  -- The counted records' ids (sorted, delta-coded, deflated): how many changed since decides a refit.
  record_ids         bytea,
  model              jsonb,
  evaluation         jsonb,
  settings           jsonb
);
CREATE INDEX species_models_status_idx ON species_models (status);
