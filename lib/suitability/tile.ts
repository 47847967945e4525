/**
 * PNG tiles (pngjs) of a projection in web mercator: cells at or above the model's threshold on a
 * ramp from least (pale yellow) to most suitable (dark purple), the rest transparent.
 */
import { LRUCache } from "lru-cache";
import { PNG } from "pngjs";
import type { Projection } from "./projection";
import { RAMP } from "./ramp";

export { RAMP };

export const TILE_SIZE = 256;

const ALPHA = 200;

function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function renderTile(projection: Projection, threshold: number, z: number, x: number, y: number): Buffer {
  const png = new PNG({ width: TILE_SIZE, height: TILE_SIZE });
  const { grid, values } = projection;
  const world = TILE_SIZE * 2 ** z;
  const span = 1 - threshold;
  for (let py = 0; py < TILE_SIZE; py++) {
    const my = (y * TILE_SIZE + py + 0.5) / world;
    const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180) / Math.PI;
    const row = Math.floor((grid.north - lat) / grid.resY);
    for (let px = 0; px < TILE_SIZE; px++) {
      const o = (py * TILE_SIZE + px) * 4;
      const lon = ((x * TILE_SIZE + px + 0.5) / world) * 360 - 180;
      const col = Math.floor((lon - grid.west) / grid.resX);
      let v = NaN;
      if (row >= 0 && row < grid.height && col >= 0 && col < grid.width) v = values[row * grid.width + col];
      if (!(v >= threshold)) {
        png.data[o + 3] = 0;
        continue;
      }
      const [r, g, b] = colour(span > 0 ? (v - threshold) / span : 1);
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = ALPHA;
    }
  }
  return PNG.sync.write(png);
}

/** Rendered tiles, keyed by model version and set: a warm tile is a lookup, and a refit's new version never meets an old tile. */
const rendered = new LRUCache<string, Buffer>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (b) => b.length });

export function cachedTile(key: string, projection: Projection, threshold: number, z: number, x: number, y: number): Buffer {
  const id = `${key}/${z}/${x}/${y}`;
  let png = rendered.get(id);
  if (!png) {
    png = renderTile(projection, threshold, z, x, y);
    rendered.set(id, png);
  }
  return png;
}
