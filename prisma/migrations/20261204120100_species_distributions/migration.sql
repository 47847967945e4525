-- Each species' range products (lib/distribution), rebuilt by the worker when the records that
-- count may have changed: its data_version or its vettings (a range qualifier changes no category).
-- One row per variant: contentious records left out (the default) or put in.
CREATE TABLE species_distributions (
  species_id          integer NOT NULL REFERENCES species(id) ON DELETE CASCADE,
  include_contentious boolean NOT NULL,
  data_version        integer NOT NULL,
  vettings_version    text NOT NULL,
  built_at            timestamptz(3) NOT NULL DEFAULT now(),
  build_ms            integer NOT NULL,
  records_used        integer NOT NULL,
  eoo_km2             double precision,
  aoo_km2             double precision,
  not_computable      text,
  -- Everything else buildProducts() returns, and the settings it was built with.
  products            jsonb NOT NULL,
  settings            jsonb NOT NULL,
  -- Published geometry only: snapped outward wherever accurate sensitive coordinates were used.
  range               jsonb NOT NULL,
  cells               jsonb NOT NULL,
  PRIMARY KEY (species_id, include_contentious)
);
