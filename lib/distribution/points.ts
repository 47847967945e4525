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
 * at the first one's coordinates; the projection is centred on the distinct ones. The key is one
 * number (below 2^53), several times faster to hash than a string over a million records.
 */
export function projectPoints(lon: ArrayLike<number>, lat: ArrayLike<number>): ProjectedPoints {
  const index = new Map<number, number>();
  const dLon: number[] = [];
  const dLat: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < lon.length; i++) {
    const key = Math.round((lon[i] + 540) * 1e5) * 2e7 + Math.round((lat[i] + 90) * 1e5);
    const at = index.get(key);
    if (at !== undefined) weight[at]++;
    else {
      index.set(key, dLon.length);
      dLon.push(lon[i]);
      dLat.push(lat[i]);
      weight.push(1);
    }
  }
  const projection = projectionFor(centreOf(dLon, dLat));
  const xy = new Float64Array(dLon.length * 2);
  const lonLat = new Float64Array(dLon.length * 2);
  for (let i = 0; i < dLon.length; i++) {
    const [x, y] = projection.forward(dLon[i], dLat[i]);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    lonLat[2 * i] = dLon[i];
    lonLat[2 * i + 1] = dLat[i];
  }
  return { projection, xy, weight: Uint32Array.from(weight), lonLat };
}
