/**
 * The distinct positions of a species' records in an equal-area projection centred on them
 * (projection.ts): what every product is computed from.
 */
import { PositionIndex } from "./position-index";
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
 * Positions within 1e-5° are one point (position-index.ts), kept at the first one's coordinates.
 * The projection is centred on `centre` when given (the frame of all the species' records, which
 * a vetting does not move: records.ts), else on the distinct positions.
 */
export function projectPoints(lon: ArrayLike<number>, lat: ArrayLike<number>, centre?: { lon: number; lat: number }): ProjectedPoints {
  const n = lon.length;
  const index = new PositionIndex(n);
  const firstOf = new Int32Array(n);
  const counts = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const g = index.add(lon[i], lat[i]);
    if (counts[g]++ === 0) firstOf[g] = i;
  }
  const distinct = index.size;
  const dLon = new Float64Array(distinct);
  const dLat = new Float64Array(distinct);
  for (let g = 0; g < distinct; g++) {
    dLon[g] = lon[firstOf[g]];
    dLat[g] = lat[firstOf[g]];
  }
  const weight = counts.slice(0, distinct);
  const projection = projectionFor(centre ?? centreOf(dLon, dLat));
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
