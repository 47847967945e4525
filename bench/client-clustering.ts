/**
 * The client-side alternative: ship the species' points as GeoJSON and let MapLibre cluster them
 * in the browser (its built-in `cluster: true` runs supercluster). Measures what that costs: the
 * bytes to download, and the time to parse them and build the clusters (with MapLibre's defaults:
 * radius 50 px of 512-px tiles, cluster max zoom 17, extent 8192, and per-category counts as
 * clusterProperties), here on the server's CPU — a phone's is several times slower.
 */
import { gzipSync } from "node:zlib";
import type pg from "pg";
import Supercluster from "supercluster";
import { CLASSIFICATIONS, DUPLICATE_STATUS } from "@/lib/domain/codes";
import { GEOJSON_END, GEOJSON_START, geojsonFeature } from "@/lib/downloads/geojson";
import { timed } from "./latency";

export interface ClientClusteringFigures {
  points: number;
  geojsonBytes: number;
  geojsonGzipBytes: number;
  parseMs: number;
  superclusterLoadMs: number;
}

type Counts = Record<(typeof CLASSIFICATIONS)[number], number>;

/** The same records Edgar's default tiles show (duplicates hidden), with the fields the map styles by. */
export async function speciesGeojson(db: pg.Pool, speciesId: number): Promise<string> {
  const { rows } = await db.query<{ id: number; lon: number; lat: number; classification: number; contentious: boolean }>(
    `SELECT id, lon, lat, classification, contentious FROM classified_occurrences
     WHERE species_id = $1 AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND duplicate_status <> $2`,
    [speciesId, DUPLICATE_STATUS.indexOf("D")],
  );
  const features = rows.map((r) =>
    geojsonFeature(r.lon, r.lat, { id: r.id, classification: CLASSIFICATIONS[r.classification - 1], contentious: r.contentious }),
  );
  return GEOJSON_START + features.join(",\n") + GEOJSON_END;
}

export async function benchClientClustering(db: pg.Pool, speciesId: number): Promise<ClientClusteringFigures> {
  const text = await speciesGeojson(db, speciesId);
  const parsed = await timed(async () => JSON.parse(text) as { features: Supercluster.PointFeature<{ classification: string }>[] });
  const index = new Supercluster<{ classification: string }, Counts>({
    radius: 50 * 16,
    extent: 8192,
    maxZoom: 17,
    map: (p) => Object.fromEntries(CLASSIFICATIONS.map((c) => [c, p.classification === c ? 1 : 0])) as Counts,
    reduce: (acc, p) => {
      for (const c of CLASSIFICATIONS) acc[c] += p[c];
    },
  });
  const load = await timed(async () => index.load(parsed.value.features));
  return {
    points: parsed.value.features.length,
    geojsonBytes: Buffer.byteLength(text),
    geojsonGzipBytes: gzipSync(text).length,
    parseMs: Math.round(parsed.ms),
    superclusterLoadMs: Math.round(load.ms),
  };
}
