-- Environmental layer sets (lib/layers): one scenario (current climate, or a future one and its
-- year), one GeoTIFF per variable, all on one grid; the models of issue 18 are fitted on the
-- current set and projected onto every set.
CREATE TABLE layer_sets (
  id          serial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  -- "current", or a future scenario such as "SSP2-4.5".
  scenario    text NOT NULL,
  -- The year a future scenario stands for; null for the current climate.
  year        integer,
  variables   text[] NOT NULL,
  -- Variable → absolute path of its GeoTIFF.
  files       jsonb NOT NULL,
  -- lib/layers/geotiff.ts Grid: width, height, west, north, resX, resY, crs.
  grid        jsonb NOT NULL,
  -- Variable → declared nodata value (null: none).
  nodata      jsonb NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (scenario, year)
);
-- At most one current set: the one models are fitted on.
CREATE UNIQUE INDEX layer_sets_one_current ON layer_sets ((true)) WHERE scenario = 'current';
