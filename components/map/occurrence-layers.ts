/** The species' occurrences on the map: one vector tile source, a donut layer and a dot layer. */
import type { ExpressionSpecification, Map as MapLibreMap, VectorTileSource } from "maplibre-gl";
import { CLASSIFICATIONS } from "@/lib/domain/codes";
import { CATEGORY_COLOURS, CONTENTIOUS_COLOUR } from "@/lib/domain/colours";
import { DONUT_PREFIX, donutImageExpression, drawDonut } from "./donut";

export const SOURCE = "occurrences";
export const CLUSTER_LAYER = "occurrence-clusters";
export const RECORD_LAYER = "occurrence-records";

/** The tiles' URL template; the data version makes a sync or vetting load fresh tiles at once. */
export function tileUrl(origin: string, speciesId: number, filterQuery: string, dataVersion: number): string {
  const query = new URLSearchParams(filterQuery);
  query.set("v", String(dataVersion));
  return `${origin}/api/tiles/${speciesId}/{z}/{x}/{y}.pbf?${query}`;
}

const classificationColour: ExpressionSpecification = [
  "match",
  ["get", "classification"],
  ...CLASSIFICATIONS.flatMap((c) => [c, CATEGORY_COLOURS[c]]),
  "#888888",
] as unknown as ExpressionSpecification;

/** Adds (or re-points) the source and layers. */
export function showOccurrences(map: MapLibreMap, url: string): void {
  const source = map.getSource<VectorTileSource>(SOURCE);
  if (source) {
    source.setTiles([url]);
    return;
  }
  map.setMissingStyleImageResolver((id) => {
    if (!id.startsWith(DONUT_PREFIX) || map.hasImage(id)) return;
    const pixelRatio = window.devicePixelRatio || 1;
    const image = drawDonut(id, pixelRatio);
    if (image) map.addImage(id, image, { pixelRatio });
  });
  // The server clusters down to zoom 16 and lists single records beyond it; deeper zooms reuse z16 tiles.
  map.addSource(SOURCE, { type: "vector", tiles: [url], minzoom: 0, maxzoom: 17, attribution: "Occurrence data: Atlas of Living Australia" });
  map.addLayer({
    id: RECORD_LAYER,
    type: "circle",
    source: SOURCE,
    "source-layer": "occurrences",
    filter: ["==", ["get", "cluster"], false],
    paint: {
      "circle-color": classificationColour,
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 4, 12, 6, 18, 8],
      "circle-stroke-color": ["case", ["get", "contentious"], CONTENTIOUS_COLOUR, "#ffffff"],
      "circle-stroke-width": ["case", ["get", "contentious"], 3, 1.5],
    },
  });
  map.addLayer({
    id: CLUSTER_LAYER,
    type: "symbol",
    source: SOURCE,
    "source-layer": "occurrences",
    filter: ["==", ["get", "cluster"], true],
    layout: {
      "icon-image": donutImageExpression,
      "icon-allow-overlap": true,
      "icon-ignore-placement": true,
      // Drawn in ascending order: bigger clusters on top.
      "symbol-sort-key": ["get", "count"],
    },
  });
}

export function hideOccurrences(map: MapLibreMap): void {
  for (const layer of [CLUSTER_LAYER, RECORD_LAYER]) if (map.getLayer(layer)) map.removeLayer(layer);
  if (map.getSource(SOURCE)) map.removeSource(SOURCE);
}
