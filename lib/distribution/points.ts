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
  /**
   * The table the positions came from (its serial) and each one's place in it: how the hull thread
   * knows them again; and which of the species' variants they are, whose next build the thread's
   * triangulation of them is changed in place for (kept-meshes.ts).
   */
  source?: { table: number; ids: Int32Array; variant?: string };
}

/** Distinct positions in one projection, and which of them each record holds. */
export interface PositionTable {
  /** Tells tables apart (random): the hull thread changes only a triangulation of the same table. */
  serial: number;
  projection: Projection;
  /** Distinct positions, x then y, metres; in the order their first record comes. */
  xy: Float64Array;
  lonLat: Float64Array;
  /** Each record's position. */
  of: Int32Array;
}

/**
 * Positions within 1e-5° are one point (position-index.ts), kept at the coordinates of its
 * westernmost record (southernmost of those): the same whichever order the records come in.
 * The projection is centred on `centre` when given, else on the distinct positions.
 */
export function positionTable(lon: ArrayLike<number>, lat: ArrayLike<number>, centre?: { lon: number; lat: number }): PositionTable {
  const n = lon.length;
  const index = new PositionIndex(n);
  const of = new Int32Array(n);
  const kept = new Int32Array(n);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const g = (of[i] = index.add(lon[i], lat[i]));
    if (g === distinct) kept[distinct++] = i;
    else if (lon[i] < lon[kept[g]] || (lon[i] === lon[kept[g]] && lat[i] < lat[kept[g]])) kept[g] = i;
  }
  const lonLat = new Float64Array(distinct * 2);
  for (let g = 0; g < distinct; g++) {
    lonLat[2 * g] = lon[kept[g]];
    lonLat[2 * g + 1] = lat[kept[g]];
  }
  const projection = projectionFor(centre ?? centreOfPairs(lonLat));
  const xy = new Float64Array(distinct * 2);
  for (let g = 0; g < distinct; g++) {
    const [x, y] = projection.forward(lonLat[2 * g], lonLat[2 * g + 1]);
    xy[2 * g] = x;
    xy[2 * g + 1] = y;
  }
  // Random rather than counted: two copies of this module (bundlers) never hand out the same one.
  return { serial: Math.floor(Math.random() * 2 ** 52), projection, xy, lonLat, of };
}

/** The centre of lon, lat pairs; (0, 0) for none (a species none of whose records has a position gets an empty table). */
function centreOfPairs(lonLat: Float64Array): { lon: number; lat: number } {
  const n = lonLat.length / 2;
  if (n === 0) return { lon: 0, lat: 0 };
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    lon[g] = lonLat[2 * g];
    lat[g] = lonLat[2 * g + 1];
  }
  return centreOf(lon, lat);
}

/** The distinct positions some records hold (`position`: each one's in the table), with how many hold each, in the table's order. */
export function pointsOf(table: PositionTable, position: ArrayLike<number>, variant?: string): ProjectedPoints {
  const counts = new Uint32Array(table.xy.length / 2);
  for (let i = 0; i < position.length; i++) counts[position[i]]++;
  let distinct = 0;
  for (let g = 0; g < counts.length; g++) if (counts[g] > 0) distinct++;
  const xy = new Float64Array(2 * distinct);
  const weight = new Uint32Array(distinct);
  const ids = new Int32Array(distinct);
  for (let g = 0, k = 0; g < counts.length; g++) {
    if (counts[g] === 0) continue;
    ids[k] = g;
    xy[2 * k] = table.xy[2 * g];
    xy[2 * k + 1] = table.xy[2 * g + 1];
    weight[k++] = counts[g];
  }
  return { projection: table.projection, xy, weight, source: { table: table.serial, ids, variant } };
}

/**
 * The records' distinct positions, in a projection centred on them (or on `centre`). Without a
 * `source`: a table made for one use is never met again, so the hull thread does not keep it.
 */
export function projectPoints(lon: ArrayLike<number>, lat: ArrayLike<number>, centre?: { lon: number; lat: number }): ProjectedPoints {
  const table = positionTable(lon, lat, centre);
  const { source: _once, ...points } = pointsOf(table, table.of);
  return points;
}
