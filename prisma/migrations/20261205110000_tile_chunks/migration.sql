-- The exact tile band (zooms 5–16) of large species, prebuilt by the worker and cut into
-- per-region chunks (lib/tiles/exact-chunks.ts), so a fresh web process answers a deep tile from
-- one chunk instead of clustering a million records first. A set row names the data version its
-- chunks were built from; chunks of any other version are never read.
CREATE TABLE tile_chunk_sets (
  species_id   integer PRIMARY KEY REFERENCES species (id) ON DELETE CASCADE,
  data_version integer NOT NULL,
  chunks       integer NOT NULL,
  bytes        bigint NOT NULL,
  built_at     timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE tile_chunks (
  species_id   integer NOT NULL REFERENCES species (id) ON DELETE CASCADE,
  data_version integer NOT NULL,
  -- CHUNK_GROUPS index, and the region's tile x and y at that group's region zoom
  grp          smallint NOT NULL,
  rx           integer NOT NULL,
  ry           integer NOT NULL,
  chunk        bytea NOT NULL,
  PRIMARY KEY (species_id, data_version, grp, rx, ry)
);
-- Float arrays do not compress: storing them as they are saves pglz its time on every write.
ALTER TABLE tile_chunks ALTER COLUMN chunk SET STORAGE EXTERNAL;
