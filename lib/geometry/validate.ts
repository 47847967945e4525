/**
 * Strict validation of vetting areas (GeoJSON from the web API, WKT from the /ws service after
 * parsing). Each failure names the problem and where it is. What passes is a clean Area: 2-D
 * positions, consecutive repeated positions removed, rings closed.
 */
import turfArea from "@turf/area";
import kinks from "@turf/kinks";
import type { Position } from "geojson";
import { PreparedPolygon, type Area } from "./point-in-area";

export const GEOMETRY_LIMITS = {
  /**
   * Corners over all rings (closing repeats not counted). Hand-drawn areas have tens to hundreds;
   * the self-intersection check is quadratic, and 5 000 keeps it near a tenth of a second.
   */
  maxVertices: 5_000,
  /** About 1.3 times Australia: enough for any range, small enough to catch wrapped-around shapes. */
  maxAreaKm2: 10_000_000,
} as const;

/** Polygons with less area than this (square degrees, about 0.01 m²) are degenerate. */
const MIN_RING_AREA_DEG2 = 1e-12;

export class GeometryError extends Error {
  constructor(
    message: string,
    /** invalid_geometry, or invalid_wkt when the text could not be read at all */
    readonly code: "invalid_geometry" | "invalid_wkt" = "invalid_geometry",
  ) {
    super(message);
  }
}

type Ring = Position[];

/** Validates a GeoJSON Polygon or MultiPolygon; throws GeometryError naming the first problem. */
export function validateArea(input: unknown): Area {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new GeometryError("must be a GeoJSON Polygon or MultiPolygon object");
  }
  const { type, coordinates } = input as { type?: unknown; coordinates?: unknown };
  if (type !== "Polygon" && type !== "MultiPolygon") {
    const hint = type === "Feature" ? " (send the Feature's geometry)" : "";
    throw new GeometryError(`must be a GeoJSON Polygon or MultiPolygon, not ${describeType(type)}${hint}`);
  }
  if (!Array.isArray(coordinates)) throw new GeometryError(`${type} coordinates must be an array`);
  const counter = { vertices: 0 };
  if (type === "Polygon") {
    const rings = readPolygon(coordinates, "", counter);
    checkPolygon(rings, "");
    return checkAreaLimit({ type, coordinates: rings });
  }
  if (coordinates.length === 0) throw new GeometryError("MultiPolygon has no polygons");
  const polygons = coordinates.map((p, i) => readPolygon(p, `polygon ${i + 1}, `, counter));
  polygons.forEach((rings, i) => checkPolygon(rings, `polygon ${i + 1}, `));
  return checkAreaLimit({ type, coordinates: polygons });
}

function describeType(type: unknown): string {
  if (typeof type === "string") return type ? `"${type.slice(0, 40)}"` : "an empty type";
  return type === undefined ? "an object without a type" : `type ${JSON.stringify(type)?.slice(0, 40)}`;
}

const ringName = (r: number) => (r === 0 ? "outer ring" : `hole ${r}`);

/** Structure, coordinate ranges, the vertex limit, closing, and at least 4 positions per ring. */
function readPolygon(value: unknown, where: string, counter: { vertices: number }): Ring[] {
  if (!Array.isArray(value)) throw new GeometryError(`${where}polygon must be an array of rings`);
  if (value.length === 0) throw new GeometryError(`${where}polygon has no rings`);
  return value.map((ring, r) => {
    const at = `${where}${ringName(r)}`;
    if (!Array.isArray(ring)) throw new GeometryError(`${at} must be an array of positions`);
    counter.vertices += Math.max(ring.length - 1, 0);
    if (counter.vertices > GEOMETRY_LIMITS.maxVertices) {
      throw new GeometryError(`has more than ${GEOMETRY_LIMITS.maxVertices} vertices (the limit); simplify the area`);
    }
    const positions = ring.map((p, i) => readPosition(p, `${at}, position ${i + 1}`));
    if (positions.length < 4) {
      throw new GeometryError(`${at} has ${positions.length} position${positions.length === 1 ? "" : "s"}; a ring needs at least 4 (3 corners and the first repeated at the end)`);
    }
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      throw new GeometryError(`${at} is not closed: its last position must repeat its first`);
    }
    const cleaned = positions.filter((p, i) => i === 0 || p[0] !== positions[i - 1][0] || p[1] !== positions[i - 1][1]);
    if (cleaned.length < 4) throw new GeometryError(`${at} has fewer than 3 distinct corners`);
    return cleaned;
  });
}

function readPosition(p: unknown, at: string): Position {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new GeometryError(`${at} must be [longitude, latitude] in finite numbers`);
  }
  const [lon, lat] = p as number[];
  if (lon < -180 || lon > 180) throw new GeometryError(`${at} has longitude ${lon}, outside -180 to 180`);
  if (lat < -90 || lat > 90) throw new GeometryError(`${at} has latitude ${lat}, outside -90 to 90`);
  return [lon, lat];
}

/** Planar (shoelace) area of a ring in square degrees, unsigned. */
function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return Math.abs(sum) / 2;
}

const fmt = (p: Position) => `(${+p[0].toFixed(6)}, ${+p[1].toFixed(6)})`;

/**
 * Self-intersection (within and between rings; first, as a bow-tie's lobes cancel out in the
 * signed area), zero-area rings, holes outside the outer ring or inside each other.
 */
function checkPolygon(rings: Ring[], where: string): void {
  const crossing = kinks({ type: "Polygon", coordinates: rings }).features[0];
  if (crossing) {
    throw new GeometryError(`${where}polygon intersects itself at ${fmt(crossing.geometry.coordinates)}`);
  }
  rings.forEach((ring, r) => {
    if (ringArea(ring) < MIN_RING_AREA_DEG2) {
      throw new GeometryError(`${where}${ringName(r)} has no area: its corners lie on one line`);
    }
  });
  // Rings do not cross or touch (checked above), so one corner tells which side a ring is on.
  const prepared = rings.map((ring) => new PreparedPolygon([ring]));
  for (let h = 1; h < rings.length; h++) {
    const [x, y] = rings[h][0];
    if (!prepared[0].contains(x, y)) throw new GeometryError(`${where}hole ${h} lies outside the outer ring`);
    for (let other = 1; other < rings.length; other++) {
      if (other !== h && prepared[other].contains(x, y)) {
        throw new GeometryError(`${where}hole ${h} lies inside hole ${other}`);
      }
    }
  }
}

function checkAreaLimit(area: Area): Area {
  const km2 = turfArea(area) / 1e6;
  if (km2 > GEOMETRY_LIMITS.maxAreaKm2) {
    throw new GeometryError(
      `covers ${Math.round(km2).toLocaleString("en")} km²; the limit is ${GEOMETRY_LIMITS.maxAreaKm2.toLocaleString("en")} km² (split it, or check it does not wrap around the globe)`,
    );
  }
  return area;
}
