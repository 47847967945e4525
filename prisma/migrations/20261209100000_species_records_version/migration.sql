-- Bumped when a species' records themselves change (a sync or a source adds, updates, moves or
-- deletes them), not when vettings re-classify them, which bump data_version alone. The range
-- build keeps a large species' records in memory under this version and, after a vetting, reads
-- only what vettings decided (lib/distribution/records.ts).
ALTER TABLE species ADD COLUMN records_version integer NOT NULL DEFAULT 1;
