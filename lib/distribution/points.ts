/**
 * The distinct positions of a species' records in an equal-area projection centred on them
 * (projection.ts): what every product is computed from.
 */
import { centreOf, projectionFor, type Projection } from "./projection";

export interface ProjectedPoints {
  projection: Projection;
  /** Distinct positions, x then y, metres. */
  xy: Float64Array;
  /** How many records share each distinct position. */
  weight: Uint32Array;
  /** Distinct positions in lon/lat, parallel to xy. */
  lonLat: Float64Array;
}

/**
 * Positions within 1e-5° (about a metre, finer than any record's precision) are one point, kept
 * at the first one's coordinates; the projection is centred on the distinct ones. Distinct keys
 * are found with an open-addressing table over typed arrays: over a million records a Map of
 * number keys took most of a second and much garbage (profiled, docs/performance.md).
 */
export function projectPoints(lon: ArrayLike<number>, lat: ArrayLike<number>): ProjectedPoints {
  const n = lon.length;
  let size = 2;
  while (size < n * 2) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  // Both keys are whole numbers below 2^27: exact in uint32.
  const keyA = new Uint32Array(n);
  const keyB = new Uint32Array(n);
  const firstOf = new Int32Array(n);
  const counts = new Uint32Array(n);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.round((lon[i] + 540) * 1e5);
    const b = Math.round((lat[i] + 90) * 1e5);
    let h = (Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const g = slots[h];
      if (g === -1) {
        slots[h] = distinct;
        keyA[distinct] = a;
        keyB[distinct] = b;
        firstOf[distinct] = i;
        counts[distinct++] = 1;
        break;
      }
      if (keyA[g] === a && keyB[g] === b) {
        counts[g]++;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  const dLon = new Float64Array(distinct);
  const dLat = new Float64Array(distinct);
  for (let g = 0; g < distinct; g++) {
    dLon[g] = lon[firstOf[g]];
    dLat[g] = lat[firstOf[g]];
  }
  const weight = counts.slice(0, distinct);
  const projection = projectionFor(centreOf(dLon, dLat));
  const xy = new Float64Array(distinct * 2);
  const lonLat = new Float64Array(distinct * 2);
  for (let i = 0; i < distinct; i++) {
    const [x, y] = projection.forward(dLon[i], dLat[i]);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    lonLat[2 * i] = dLon[i];
    lonLat[2 * i + 1] = dLat[i];
  }
  return { projection, xy, weight, lonLat };
}
