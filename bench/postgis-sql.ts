/**
 * The PostGIS peer's tile query (bench/postgis.ts): the points in the tile's envelope, snapped to a
 * grid of 1/8 of the tile (64 px of 512, about supercluster's 60-px radius), counted per cell and
 * category, encoded by ST_AsMVT into the same `occurrences` layer. Parameters: z, x, y.
 */
// Web Mercator: the world is 2 × 20037508.34 m wide; a tile at zoom z is that over 2^z.
export const POSTGIS_TILE_SQL = `
WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS env, 40075016.68557849 / 2 ^ $1 / 8 AS cell),
cells AS (
  SELECT ST_SnapToGrid(o.geom, b.cell) AS g, count(*) AS count,
         count(*) FILTER (WHERE classification = 1) AS "knownValid",
         count(*) FILTER (WHERE classification = 2) AS "assumedValid",
         count(*) FILTER (WHERE classification = 3) AS "assumedInvalid",
         count(*) FILTER (WHERE classification = 4) AS "knownInvalid",
         count(*) FILTER (WHERE contentious) AS contentious
  FROM occ o, b
  WHERE o.geom && b.env AND o.duplicate_status <> 3
  GROUP BY 1
)
SELECT ST_AsMVT(t, 'occurrences', 4096, 'geom') AS tile FROM (
  SELECT ST_AsMVTGeom(c.g, b.env, 4096, 64) AS geom, c.count, c."knownValid", c."assumedValid",
         c."assumedInvalid", c."knownInvalid", c.contentious
  FROM cells c, b
) t`;
