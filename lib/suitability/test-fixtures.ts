/** Small real layer sets and records for the model tests. */
import fs from "node:fs/promises";
import path from "node:path";
import { encodeGeoTiff, type Grid } from "@/lib/layers/geotiff";

export const TEST_GRID: Grid = { width: 60, height: 40, west: 140, north: -20, resX: 0.1, resY: 0.1, crs: 4326 };

/**
 * Writes a "temp" and a "rain" layer into `dir`: warm in the west, wet in the north, with some
 * roughness; the south-east corner is sea (nodata). `warming` shifts temp (a future scenario).
 */
export async function writeTestLayers(dir: string, warming = 0): Promise<void> {
  const g = TEST_GRID;
  const n = g.width * g.height;
  const temp = new Float32Array(n);
  const rain = new Float32Array(n);
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++) {
      const i = y * g.width + x;
      const sea = x > 50 && y > 30;
      temp[i] = sea ? NaN : 30 - x * 0.2 + Math.sin(i) * 0.3 + warming;
      rain[i] = sea ? NaN : 2000 - y * 30 + Math.cos(i * 1.7) * 40;
    }
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "temp.tif"), encodeGeoTiff(temp, g));
  await fs.writeFile(path.join(dir, "rain.tif"), encodeGeoTiff(rain, g));
}

/** Records on a lattice in the warm, wet north-west: one per 0.1° cell, at cell centres. */
export function northWest(cols: number, rows: number, rating = 2) {
  const out: { lon: number; lat: number; rating: number }[] = [];
  for (let i = 0; i < cols; i++) for (let j = 0; j < rows; j++) out.push({ lon: 140.05 + i * 0.1, lat: -20.05 - j * 0.1, rating });
  return out;
}
