-- The coarse tile band's input for large species, prebuilt by the worker after a sync or a
-- vetting (lib/tiles/coarse-cells.ts): a fresh web process answers a big species' first tiles
-- from these few ten thousand cells instead of reading a million records.
CREATE TABLE tile_cells (
  species_id   integer PRIMARY KEY REFERENCES species (id) ON DELETE CASCADE,
  -- the species' data_version the cells were computed from; any other version ignores them
  data_version integer NOT NULL,
  cell_bits    smallint NOT NULL,
  cells        bytea NOT NULL,
  built_at     timestamptz(3) NOT NULL DEFAULT now()
);
