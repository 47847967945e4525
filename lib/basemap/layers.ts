import { createRequire } from "node:module";
import type { FeatureCollection, Geometry, MultiPolygon, Polygon } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { cutLinesAtAntimeridian, splitAreaAtAntimeridian } from "./antimeridian";
import { AUSTRALIAN_STATE_BORDERS } from "./state-borders";

const require = createRequire(import.meta.url);

/** The offline basemap's layers, from Natural Earth (world-atlas, 1:50m). */
export const BASEMAP_LAYERS = ["land", "coastline", "countries", "states"] as const;
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

type Objects = { land: GeometryCollection; countries: GeometryCollection };

function topology(name: "land-50m" | "countries-50m"): Topology<Objects> {
  return require(`world-atlas/${name}.json`) as Topology<Objects>;
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
      // Polygons crossing the antimeridian (Fiji, Chukotka, Antarctica) would otherwise be drawn
      // as slivers across the whole world (a grey line at 16.5°S over Australia).
      const land = collection(feature(t, t.objects.land) as unknown as FeatureCollection<Polygon | MultiPolygon>);
      return { ...land, features: land.features.map((f) => ({ ...f, geometry: splitAreaAtAntimeridian(f.geometry as Polygon | MultiPolygon) })) };
    }
    case "coastline": {
      const t = topology("land-50m");
      return collection(cutLinesAtAntimeridian(mesh(t, t.objects.land)));
    }
    case "countries": {
      const t = topology("countries-50m");
      // Only borders between two countries; coasts come from the coastline layer.
      return collection(cutLinesAtAntimeridian(mesh(t, t.objects.countries, (a, b) => a !== b)));
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
