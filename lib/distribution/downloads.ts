/**
 * The range products as GeoJSON files: the range (alpha hull and convex hull) and the occupancy
 * cells, each feature carrying the figures and the settings they were computed with, so a file
 * read on its own (QGIS, R) says what it is. Published geometry only (store.ts keeps no other).
 */
import type { FeatureCollection } from "geojson";
import { pool } from "@/lib/db/pool";
import { slug } from "@/lib/downloads/stream";
import { readCells, readDistribution, type DistributionAnswer } from "./store";

export type DistributionProduct = "range" | "cells";

export interface DistributionFile {
  filename: string;
  body: FeatureCollection;
}

/**
 * The file, or null when there is no such species; a species not built yet gives an empty
 * collection. (The map's layer asks for the bare geometry instead: layerText.)
 */
export async function distributionFile(
  speciesId: number,
  product: DistributionProduct,
  includeContentious: boolean,
): Promise<DistributionFile | null> {
  const { rows } = await pool().query<{ scientific_name: string }>("SELECT scientific_name FROM species WHERE id = $1", [speciesId]);
  if (!rows[0]) return null;
  const answer = (await readDistribution(speciesId, includeContentious))!;
  const common = figures(rows[0].scientific_name, answer);
  const source = product === "range" ? answer.range : ((await readCells(speciesId, includeContentious)) ?? { type: "FeatureCollection", features: [] });
  return {
    filename: `${slug(rows[0].scientific_name)}-${product === "range" ? "range" : "occupancy-cells"}${includeContentious ? "-with-contentious" : ""}-v${answer.dataVersion ?? 0}.geojson`,
    body: {
      type: "FeatureCollection",
      features: source.features.map((f) => ({ ...f, properties: { ...f.properties, ...common } })),
    },
  };
}

const EMPTY = JSON.stringify({ type: "FeatureCollection", features: [] });

/**
 * The map layer's bare answer (no figures), as text: the stored collection as it was written
 * (a json column keeps its text), not parsed into objects and written again. For the 1.2 M-record
 * species the two answers are about 11 MB; parsing them (the range twice: the cells' answer read
 * it too) and PostgreSQL writing jsonb out again were most of the layer's first paint. Null when
 * there is no such species; a species not built yet gives an empty collection.
 */
export async function layerText(speciesId: number, product: DistributionProduct, includeContentious: boolean): Promise<string | null> {
  // The column is one of two fixed names, never from the request.
  const column = product === "range" ? "range" : "cells";
  const { rows } = await pool().query<{ body: string | null }>(
    `SELECT d.body FROM species s
       LEFT JOIN LATERAL (SELECT x.${column}::text AS body FROM species_distributions x
                           WHERE x.species_id = s.id AND (x.include_contentious = $2 OR NOT x.include_contentious)
                           ORDER BY x.include_contentious = $2 DESC LIMIT 1) d ON true
      WHERE s.id = $1`,
    [speciesId, includeContentious],
  );
  if (!rows[0]) return null;
  return rows[0].body ?? EMPTY;
}

function figures(scientificName: string, a: DistributionAnswer): Record<string, unknown> {
  return {
    scientificName,
    dataVersion: a.dataVersion,
    builtAt: a.builtAt,
    recordsUsed: a.recordsUsed,
    eooKm2: a.eoo?.km2 ?? null,
    aooKm2: a.aoo?.km2 ?? null,
    aooCellKm: a.aoo?.cellKm ?? null,
    notComputable: a.notComputable ?? null,
    displayCell: a.displayCell,
    snappedToDegrees: a.snappedToDegrees,
    settings: a.settings,
  };
}
