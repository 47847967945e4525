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
 * collection. `figures: false` (the map's layer) leaves the per-feature figures out: repeated on
 * every cell they would be most of the bytes.
 */
export async function distributionFile(
  speciesId: number,
  product: DistributionProduct,
  includeContentious: boolean,
  { figures: withFigures = true } = {},
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
      features: withFigures ? source.features.map((f) => ({ ...f, properties: { ...f.properties, ...common } })) : source.features,
    },
  };
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
