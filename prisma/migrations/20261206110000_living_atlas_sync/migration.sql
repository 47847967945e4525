-- A Living Atlas source syncs with the ALA's sync code (docs/sources.md): its runs are sync_runs
-- rows too, so checkpoints, downloads and resumption work unchanged; source_id says whose.
-- The default keeps every existing run (and every caller that names none) the ALA's. Still one
-- queued-or-running run at a time across sources (sync_runs_one_active), as the lock already says.
ALTER TABLE sync_runs ADD COLUMN source_id smallint NOT NULL DEFAULT 1 REFERENCES sources(id) ON DELETE CASCADE;
CREATE INDEX sync_runs_source ON sync_runs (source_id, id DESC);

-- A source's import history row and the sync run doing it, so a run resumed later (by whichever
-- sync comes next) can still be told apart from the one it replaced.
ALTER TABLE source_runs ADD COLUMN sync_run_id integer REFERENCES sync_runs(id) ON DELETE SET NULL;
