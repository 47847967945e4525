/**
 * A realistic session on the map, as the tiles it asks for: a 1600×900 window of 512-pixel tiles
 * (MapLibre's vector tile size) opens on Australia, zooms step by step into the species'
 * busiest spot, pans around at street level, zooms back out panning, then dives into a second
 * spot down to single records. Each tile is asked for once, as the browser caches the rest.
 */
import type pg from "pg";

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

const VIEW_W = 1600 / 512;
const VIEW_H = 900 / 512;

function tileXY(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n];
}

function viewport(lon: number, lat: number, z: number): TileAddress[] {
  const [cx, cy] = tileXY(lon, lat, z);
  const n = 2 ** z;
  const out: TileAddress[] = [];
  for (let x = Math.floor(cx - VIEW_W / 2); x <= Math.floor(cx + VIEW_W / 2); x++) {
    for (let y = Math.max(0, Math.floor(cy - VIEW_H / 2)); y <= Math.min(n - 1, Math.floor(cy + VIEW_H / 2)); y++) {
      out.push({ z, x: ((x % n) + n) % n, y });
    }
  }
  return out;
}

interface View {
  lon: number;
  lat: number;
  z: number;
}

/** Degrees of longitude / latitude that half a window spans at zoom z (near latitude lat). */
function halfWindow(z: number, lat: number): { dLon: number; dLat: number } {
  const dLon = ((VIEW_W / 2) * 360) / 2 ** z;
  return { dLon, dLat: dLon * Math.cos((lat * Math.PI) / 180) * (VIEW_H / VIEW_W) };
}

export function sessionViews(first: { lon: number; lat: number }, second: { lon: number; lat: number }): View[] {
  const views: View[] = [];
  const start = { lon: 134, lat: -28 };
  // Zoom in from the whole continent, the centre drifting onto the spot by zoom 7.
  for (let z = 3; z <= 12; z++) {
    const t = Math.min(1, (z - 3) / 4);
    views.push({ z, lon: start.lon + (first.lon - start.lon) * t, lat: start.lat + (first.lat - start.lat) * t });
  }
  // Pan at each of three zooms on the way back out.
  let { lon, lat } = first;
  for (const [z, dx, dy] of [
    [12, 1, 0],
    [9, 0, -1],
    [6, -1, 0],
  ] as const) {
    const h = halfWindow(z, lat);
    for (let step = 0; step < 3; step++) {
      lon += dx * h.dLon;
      lat += dy * h.dLat;
      views.push({ z, lon, lat });
    }
  }
  for (let z = 6; z <= 15; z++) views.push({ z, ...second });
  return views;
}

export function sessionTiles(views: readonly View[]): TileAddress[] {
  const seen = new Set<string>();
  const out: TileAddress[] = [];
  for (const v of views) {
    for (const t of viewport(v.lon, v.lat, v.z)) {
      const key = `${t.z}/${t.x}/${t.y}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(t);
      }
    }
  }
  return out;
}

/** The two busiest 0.5° cells of the species: where a user looking at it would zoom in. */
export async function busiestSpots(db: pg.Pool, speciesId: number): Promise<{ lon: number; lat: number }[]> {
  const { rows } = await db.query<{ lon: number; lat: number }>(
    `SELECT avg(lon)::float8 AS lon, avg(lat)::float8 AS lat FROM occurrences
     WHERE species_id = $1 AND lat IS NOT NULL AND lon IS NOT NULL
     GROUP BY floor(lon * 2), floor(lat * 2) ORDER BY count(*) DESC LIMIT 2`,
    [speciesId],
  );
  if (rows.length === 0) return [{ lon: 134, lat: -28 }, { lon: 134, lat: -28 }];
  return [rows[0], rows[1] ?? rows[0]];
}

export async function tileSession(db: pg.Pool, speciesId: number): Promise<TileAddress[]> {
  const [first, second] = await busiestSpots(db, speciesId);
  return sessionTiles(sessionViews(first, second));
}
