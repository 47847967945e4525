/**
 * Realistic vetting areas for a species: about 30 hand-drawn-looking polygons around the places
 * its records cluster, from a wetland (a few kilometres, a dozen vertices) to a state-sized
 * region (hundreds), plus one detailed boundary of 10 000 vertices (twice what the API accepts,
 * as a stress case: it can only be inserted directly). Three experts, mostly agreeing, with
 * overlaps where they do not (contentious records).
 */
import type pg from "pg";
import type { Polygon, Position } from "geojson";
import { bboxOf } from "@/lib/geometry/bbox";
import { classificationCode } from "@/lib/domain/codes";

export const EXPERTS = ["bench-expert-a", "bench-expert-b", "bench-expert-c"];

/**
 * A simple (star-shaped, so never self-intersecting) ring around a centre: the radius wanders
 * smoothly with the angle like a drawn outline. Radii in degrees; latitude squashed for a round look.
 */
export function drawnPolygon(lon: number, lat: number, radius: number, vertices: number, seed: number): Polygon {
  const ring: Position[] = [];
  const k = Math.cos((lat * Math.PI) / 180);
  for (let i = 0; i < vertices; i++) {
    const a = (i / vertices) * 2 * Math.PI;
    const wobble = 1 + 0.25 * Math.sin(3 * a + seed) + 0.1 * Math.sin(7 * a + 2 * seed) + 0.03 * Math.sin(41 * a + seed);
    const r = radius * wobble;
    ring.push([round(lon + (r * Math.cos(a)) / Math.max(k, 0.2)), round(lat + r * Math.sin(a))]);
  }
  ring.push(ring[0]);
  return { type: "Polygon", coordinates: [ring] };
}

/** A rectangle with `perSide` vertices along each side. */
export function boxPolygon(minLon: number, minLat: number, maxLon: number, maxLat: number, perSide: number): Polygon {
  const corners = [[minLon, minLat], [maxLon, minLat], [maxLon, maxLat], [minLon, maxLat]];
  const ring: Position[] = [];
  for (let c = 0; c < 4; c++) {
    const [x0, y0] = corners[c];
    const [x1, y1] = corners[(c + 1) % 4];
    for (let i = 0; i < perSide; i++) ring.push([round(x0 + ((x1 - x0) * i) / perSide), round(y0 + ((y1 - y0) * i) / perSide)]);
  }
  ring.push(ring[0]);
  return { type: "Polygon", coordinates: [ring] };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export async function addExperts(db: pg.Pool): Promise<void> {
  await db.query(
    `INSERT INTO "user" (id, name, email, role) SELECT id, id, id || '@bench.invalid', 'expert' FROM unnest($1::text[]) AS id
     ON CONFLICT (id) DO NOTHING`,
    [EXPERTS],
  );
}

let clock = Date.UTC(2025, 0, 1);

/** Inserts one vetting as the API would store it; returns its id. Each is newer than the last. */
export async function addVetting(db: pg.Pool, speciesId: number, author: string, classification: number, area: Polygon): Promise<number> {
  const [minLon, minLat, maxLon, maxLat] = bboxOf(area);
  clock += 60_000;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
    [speciesId, author, classification, JSON.stringify(area), minLon, minLat, maxLon, maxLat, new Date(clock)],
  );
  return rows[0].id;
}

/** The species' busiest 0.25° cells, busiest first: where experts would look. */
async function hotspots(db: pg.Pool, speciesId: number, n: number): Promise<{ lon: number; lat: number }[]> {
  const { rows } = await db.query<{ lon: number; lat: number }>(
    `SELECT avg(lon)::float8 AS lon, avg(lat)::float8 AS lat FROM occurrences
     WHERE species_id = $1 AND lat IS NOT NULL AND lon IS NOT NULL
     GROUP BY floor(lon * 4), floor(lat * 4) ORDER BY count(*) DESC LIMIT $2`,
    [speciesId, n],
  );
  return rows;
}

/** The 30 vettings: returns the id of the 10 000-vertex one. */
export async function addRealisticVettings(db: pg.Pool, speciesId: number): Promise<{ count: number; detailedId: number }> {
  const spots = await hotspots(db, speciesId, 60);
  if (spots.length === 0) throw new Error(`species ${speciesId} has no mapped records to vet`);
  const { known_valid: valid, known_invalid: invalid } = classificationCode;
  let count = 0;
  for (let k = 0; k < 29; k++) {
    const spot = spots[(k * 2) % spots.length];
    // Sizes from 0.05° (a wetland) to 4° (a region), vertex counts from 12 to ~400.
    const radius = [0.05, 0.1, 0.25, 0.5, 1, 2, 4][k % 7];
    const vertices = 12 + ((k * 37) % 390);
    const author = EXPERTS[k % 3];
    // Mostly agreeing: every fourth area says the opposite of its neighbours.
    const classification = k % 4 === 3 ? invalid : valid;
    await addVetting(db, speciesId, author, classification, drawnPolygon(spot.lon + 0.03 * k, spot.lat, radius, vertices, k));
    count++;
  }
  const detailedId = await addVetting(db, speciesId, EXPERTS[1], invalid, drawnPolygon(spots[1].lon, spots[1].lat, 3, 10_000, 99));
  return { count: count + 1, detailedId };
}
