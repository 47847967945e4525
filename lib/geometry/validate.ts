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
  /**
   * About 6.5 times Australia: a loose box around Australia and all its islands (72–169° E,
   * 56–9° S, Heard and Macquarie included) is 46 M km². Shapes that wrap the globe are refused by
   * their own checks (see checkWrapping); this only bounds what one vetting may claim.
   */
  maxAreaKm2: 50_000_000,
  /**
   * Each ring's least area. Records' coordinates are stored as float4, about a metre apart at
   * Australian longitudes, so a smaller ring cannot reliably hold one.
   */
  minRingAreaM2: 1,
} as const;

/**
 * A ring whose planar area is below this fraction of its extent squared has its corners on one
 * line (rounding aside); a tiny ring of real shape has a ratio near its shape's, far above it.
 */
const COLLINEAR_RATIO = 1e-9;
/** Half of the Earth's surface in km², on the sphere @turf/area measures on. */
const HEMISPHERE_KM2 = 255_032_940;

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
    return checkAreaLimit({ type, coordinates: rewind(rings) });
  }
  if (coordinates.length === 0) throw new GeometryError("MultiPolygon has no polygons");
  const polygons = coordinates.map((p, i) => readPolygon(p, `polygon ${i + 1}, `, counter));
  polygons.forEach((rings, i) => checkPolygon(rings, `polygon ${i + 1}, `));
  return checkAreaLimit({ type, coordinates: polygons.map(rewind) });
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

/**
 * Planar (shoelace) area of a ring in square degrees, signed: positive when counter-clockwise.
 * Taken relative to the first corner, so that a tiny ring far from (0, 0) keeps its digits.
 */
function signedRingArea(ring: Ring): number {
  const [x0, y0] = ring[0];
  let sum = 0;
  for (let i = 1; i + 1 < ring.length; i++) {
    sum += (ring[i][0] - x0) * (ring[i + 1][1] - y0) - (ring[i + 1][0] - x0) * (ring[i][1] - y0);
  }
  return sum / 2;
}

/** The larger side of a ring's bounding box, in degrees. */
function ringExtent(ring: Ring): number {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
}

/**
 * RFC 7946's winding: outer rings counter-clockwise, holes clockwise. Edgar reads rings the same
 * either way, but tools that read GeoJSON on the sphere take a clockwise outer ring for the rest
 * of the globe; stored and answered areas always mean the side that was drawn.
 */
function rewind(rings: Ring[]): Ring[] {
  return rings.map((ring, r) => (signedRingArea(ring) > 0 === (r === 0) ? ring : [...ring].reverse()));
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
    if (Math.abs(signedRingArea(ring)) <= COLLINEAR_RATIO * ringExtent(ring) ** 2) {
      throw new GeometryError(`${where}${ringName(r)} has no area: its corners lie on one line`);
    }
    const m2 = turfArea({ type: "Polygon", coordinates: [ring] });
    if (m2 < GEOMETRY_LIMITS.minRingAreaM2) {
      throw new GeometryError(
        `${where}${ringName(r)} is too small: it covers ${+m2.toPrecision(2)} m²; the minimum is ${GEOMETRY_LIMITS.minRingAreaM2} m² (record coordinates are about a metre apart)`,
      );
    }
  });
  checkWrapping(rings[0], where);
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

/**
 * Shapes that wrap the globe, which a size limit alone would only catch by luck: an edge that
 * jumps across the antimeridian (drawn the long way round, it would cover the rest of the world
 * between its ends), and an outer ring spanning more than a hemisphere of longitude, which the
 * sphere reads differently from the plane.
 */
function checkWrapping(outer: Ring, where: string): void {
  for (let i = 0; i + 1 < outer.length; i++) {
    if (Math.abs(outer[i + 1][0] - outer[i][0]) > 180) {
      throw new GeometryError(
        `${where}outer ring crosses the antimeridian between ${fmt(outer[i])} and ${fmt(outer[i + 1])}: split the area into one polygon each side of 180°`,
      );
    }
  }
  const xs = outer.map((p) => p[0]);
  const span = Math.max(...xs) - Math.min(...xs);
  if (span > 180) {
    throw new GeometryError(`${where}outer ring spans ${+span.toFixed(1)}° of longitude, more than a hemisphere: it would wrap around the globe`);
  }
}

/** More than half the globe is the outside of something; beyond that, the documented size limit. */
function checkAreaLimit(area: Area): Area {
  const km2 = turfArea(area) / 1e6;
  const covers = `covers ${Math.round(km2).toLocaleString("en")} km²`;
  if (km2 > HEMISPHERE_KM2) {
    throw new GeometryError(`${covers}, more than a hemisphere: it wraps around the globe (draw the area itself, not what lies outside it)`);
  }
  if (km2 > GEOMETRY_LIMITS.maxAreaKm2) {
    throw new GeometryError(`${covers}; the limit is ${GEOMETRY_LIMITS.maxAreaKm2.toLocaleString("en")} km², about 6.5 × Australia (split it into several vettings)`);
  }
  return area;
}
