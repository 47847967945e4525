-- Record ids a sync run's reconciliation read through offline downloads (fields=id,speciesID),
-- per species, compared with the local ones in SQL: a species of a million records is then not a
-- million strings in the importer's memory. Unlogged: scratch space only, emptied as the run ends.
CREATE UNLOGGED TABLE sync_remote_ids (
  run_id       integer NOT NULL,
  species_guid text NOT NULL,
  source_id    uuid NOT NULL,
  PRIMARY KEY (run_id, species_guid, source_id)
);
