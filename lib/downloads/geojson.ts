import type { Value } from "./columns";

/**
 * One GeoJSON feature (RFC 7946) as text: a Point at the public position, or null geometry for a
 * record without coordinates; the download's columns as properties.
 */
export function geojsonFeature(lon: number | null, lat: number | null, properties: Record<string, Value>): string {
  const geometry = lon === null || lat === null ? null : { type: "Point", coordinates: [lon, lat] };
  return JSON.stringify({ type: "Feature", geometry, properties });
}

export const GEOJSON_START = '{"type":"FeatureCollection","features":[\n';
export const GEOJSON_END = "\n]}\n";
