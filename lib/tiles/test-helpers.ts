// Shared by the tiles tests: seed species and decode real tiles.
import { VectorTile } from "@mapbox/vector-tile";
import Pbf from "pbf";
import type pg from "pg";
import { setClassifications } from "@/lib/vetting/states";
import { generated } from "@/lib/vetting/test-states";
import { LAYER } from "./encode";

export interface DecodedFeature {
  properties: Record<string, number | string | boolean>;
  /** Tile coordinates (extent 4096). */
  x: number;
  y: number;
  lon: number;
  lat: number;
}

export function decodeTile(body: Uint8Array, z: number, x: number, y: number): DecodedFeature[] {
  const layer = new VectorTile(new Pbf(body)).layers[LAYER];
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, i) => {
    const f = layer.feature(i);
    const [[p]] = f.loadGeometry();
    const [lon, lat] = (f.toGeoJSON(x, y, z).geometry as { coordinates: number[] }).coordinates;
    return { properties: f.properties, x: p.x, y: p.y, lon, lat };
  });
}

/** Features drawn inside the tile (not in the buffer that repeats its neighbours' edges). */
export function insideTile(features: DecodedFeature[]): DecodedFeature[] {
  return features.filter((f) => f.x >= 0 && f.x < 4096 && f.y >= 0 && f.y < 4096);
}

export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  };
}

export async function insertSpecies(db: pg.Pool, guid: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ($1, $1) RETURNING id", [guid]);
  return rows[0].id;
}

/**
 * n records of a species: a hotspot (every 7th record, one position, mixed categories), the rest
 * spread over eastern Australia; years 1950..2019, every 11th a duplicate ('D' = 3), every 17th
 * contentious, every 101st without coordinates.
 */
export async function insertRecords(db: pg.Pool, speciesId: number, n: number): Promise<void> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO occurrences (species_id, source, source_id, lat, lon, year, basis_of_record, duplicate_status, rating)
     SELECT $1, 1, gen_random_uuid(),
       CASE WHEN g % 101 = 0 THEN NULL WHEN g % 7 = 0 THEN -33.865 ELSE -40 + (g % 97) * 0.2 + (g % 13) * 0.01 END,
       CASE WHEN g % 101 = 0 THEN NULL WHEN g % 7 = 0 THEN 151.209 ELSE 135 + (g % 89) * 0.2 END,
       1950 + g % 70, 1, CASE WHEN g % 11 = 0 THEN 3 ELSE 0 END, 2
     FROM generate_series(1, $2) g ORDER BY g
     RETURNING id`,
    [speciesId, n],
  );
  await setClassifications(db, speciesId, generated(rows, (g) => [1 + (g % 4), g % 17 === 0]));
}

export interface Totals {
  count: number;
  knownValid: number;
  assumedValid: number;
  assumedInvalid: number;
  knownInvalid: number;
  contentious: number;
}

/** The records a tile should show, counted by the database. */
export async function dbTotals(db: pg.Pool, speciesId: number, where = "duplicate_status <> 3"): Promise<Totals> {
  const { rows } = await db.query<Totals>(
    `SELECT count(*)::int AS count,
       (count(*) FILTER (WHERE classification = 1))::int AS "knownValid",
       (count(*) FILTER (WHERE classification = 2))::int AS "assumedValid",
       (count(*) FILTER (WHERE classification = 3))::int AS "assumedInvalid",
       (count(*) FILTER (WHERE classification = 4))::int AS "knownInvalid",
       (count(*) FILTER (WHERE contentious))::int AS contentious
     FROM classified_occurrences WHERE species_id = $1 AND lat IS NOT NULL AND lon IS NOT NULL AND ${where}`,
    [speciesId],
  );
  return rows[0];
}

const KEYS = { known_valid: "knownValid", assumed_valid: "assumedValid", assumed_invalid: "assumedInvalid", known_invalid: "knownInvalid" } as const;

/** Sums a tile's features as the database would count the records. */
export function tileTotals(features: DecodedFeature[]): Totals {
  const t: Totals = { count: 0, knownValid: 0, assumedValid: 0, assumedInvalid: 0, knownInvalid: 0, contentious: 0 };
  for (const { properties: p } of features) {
    if (p.cluster) {
      t.count += p.count as number;
      for (const k of Object.values(KEYS)) t[k] += p[k] as number;
      t.contentious += p.contentious as number;
    } else {
      t.count++;
      t[KEYS[p.classification as keyof typeof KEYS]]++;
      t.contentious += p.contentious ? 1 : 0;
    }
  }
  return t;
}
