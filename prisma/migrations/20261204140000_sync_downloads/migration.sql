-- Offline downloads a sync run asked the ALA for, checkpointed so a restarted run polls the ones
-- it already asked for instead of asking again (docs/sync.md, "Bulk records through downloads").
CREATE TABLE sync_downloads (
  id            serial PRIMARY KEY,
  run_id        integer NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  -- records | ids
  purpose       text NOT NULL,
  species_guids text[] NOT NULL,
  -- filters beyond the species (changed since, a year range of a split)
  fq            text[] NOT NULL DEFAULT '{}',
  year_from     integer,
  year_to       integer,
  -- records the facet counts promised
  expected      integer NOT NULL,
  -- pending | requested | finished | imported | split
  state         text NOT NULL DEFAULT 'pending',
  status_url    text,
  cancel_url    text,
  download_url  text,
  total_records integer,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  requested_at  timestamptz(3),
  finished_at   timestamptz(3),
  imported_at   timestamptz(3),
  parent_id     integer REFERENCES sync_downloads(id) ON DELETE CASCADE
);
CREATE INDEX sync_downloads_run ON sync_downloads (run_id);

-- What the run is waiting for ("waiting for the ALA to prepare 3 downloads (1.2 M records)"), and
-- species named by the final count check (counts that still differ, too many malformed records).
ALTER TABLE sync_runs ADD COLUMN message text;
ALTER TABLE sync_runs ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
