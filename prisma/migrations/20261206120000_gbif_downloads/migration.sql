-- A GBIF source's download in progress (lib/sources/gbif/): its key is kept from the request on,
-- so a run that was stopped (or failed while GBIF was still preparing) polls the same download
-- instead of requesting another. Cleared once the download is imported or GBIF ends it.
-- last_full_at: when a full run (the one that deletes records gone from GBIF) last succeeded.
CREATE TABLE gbif_downloads (
  source_id    smallint PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  download_key text,
  full_run     boolean NOT NULL DEFAULT false,
  predicate    jsonb,
  format       text,
  requested_at timestamptz(3),
  last_full_at timestamptz(3)
);
