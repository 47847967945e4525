import { createRequire } from "node:module";
import type { FeatureCollection, Geometry, MultiLineString, Position } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { AUSTRALIAN_STATE_BORDERS } from "./state-borders";

const require = createRequire(import.meta.url);

/** The offline basemap's layers, from Natural Earth (world-atlas, 1:50m). */
export const BASEMAP_LAYERS = ["land", "coastline", "countries", "states"] as const;
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

type Objects = { land: GeometryCollection; countries: GeometryCollection };

function topology(name: "land-50m" | "countries-50m"): Topology<Objects> {
  return require(`world-atlas/${name}.json`) as Topology<Objects>;
}

/**
 * Natural Earth lines cross the antimeridian (Fiji, Chukotka) as one segment from +180 to -180,
 * which a Web Mercator map draws right across the world; cut them there.
 */
function cutAtAntimeridian(lines: MultiLineString): MultiLineString {
  const out: Position[][] = [];
  for (const line of lines.coordinates) {
    let current: Position[] = [];
    for (const p of line) {
      const prev = current[current.length - 1];
      if (prev && Math.abs(p[0] - prev[0]) > 180) {
        if (current.length > 1) out.push(current);
        current = [];
      }
      current.push(p);
    }
    if (current.length > 1) out.push(current);
  }
  return { type: "MultiLineString", coordinates: out };
}

function collection(geometry: Geometry | FeatureCollection): FeatureCollection {
  if (geometry.type === "FeatureCollection") return geometry;
  return { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry }] };
}

const cache = new Map<BasemapLayer, string>();

function build(layer: BasemapLayer): FeatureCollection {
  switch (layer) {
    case "land": {
      const t = topology("land-50m");
      return collection(feature(t, t.objects.land) as unknown as FeatureCollection);
    }
    case "coastline": {
      const t = topology("land-50m");
      return collection(cutAtAntimeridian(mesh(t, t.objects.land)));
    }
    case "countries": {
      const t = topology("countries-50m");
      // Only borders between two countries; coasts come from the coastline layer.
      return collection(cutAtAntimeridian(mesh(t, t.objects.countries, (a, b) => a !== b)));
    }
    case "states":
      return AUSTRALIAN_STATE_BORDERS;
  }
}

/** The layer as a GeoJSON string, built once per process. */
export function basemapLayer(layer: BasemapLayer): string {
  let json = cache.get(layer);
  if (!json) {
    json = JSON.stringify(build(layer));
    cache.set(layer, json);
  }
  return json;
}
