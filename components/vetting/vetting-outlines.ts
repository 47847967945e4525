/**
 * A species' vettings on the map: outlines in the classification's colour, solid for the signed-in
 * expert's own, dashed for other experts'; a faint fill under them is what hovering hits.
 */
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import { CATEGORY_COLOURS } from "@/lib/domain/colours";
import type { Vetting } from "./use-vettings";

export const OUTLINE_SOURCE = "vettings";
export const OUTLINE_FILL_LAYER = "vetting-areas";
export const OUTLINE_MINE_LAYER = "vetting-outlines-mine";
export const OUTLINE_OTHERS_LAYER = "vetting-outlines-others";
const LAYERS = [OUTLINE_FILL_LAYER, OUTLINE_MINE_LAYER, OUTLINE_OTHERS_LAYER];

/** What a hovered outline tells (properties of the drawn features). */
export interface OutlineProperties {
  id: number;
  mine: boolean;
  classification: Vetting["classification"];
  author: string;
  updatedAt: string;
}

const colour: ExpressionSpecification = [
  "match",
  ["get", "classification"],
  "known_valid",
  CATEGORY_COLOURS.known_valid,
  "known_invalid",
  CATEGORY_COLOURS.known_invalid,
  "#64748b",
];

export function outlineFeatures(vettings: readonly Vetting[], myId: string | undefined, hiddenId: number | null): GeoJSON.FeatureCollection {
  return {
    type: "FeatureCollection",
    features: vettings
      .filter((v) => v.id !== hiddenId)
      .map((v) => ({
        type: "Feature",
        id: v.id,
        geometry: v.area,
        properties: { id: v.id, mine: v.author.id === myId, classification: v.classification, author: v.author.name, updatedAt: v.updatedAt } satisfies OutlineProperties,
      })),
  };
}

/** Adds the source and layers once (under the occurrences, so clusters stay clickable), then replaces the data. */
export function showOutlines(map: MapLibreMap, data: GeoJSON.FeatureCollection, beneath: string | undefined): void {
  const source = map.getSource<GeoJSONSource>(OUTLINE_SOURCE);
  if (source) {
    source.setData(data);
    return;
  }
  const before = beneath && map.getLayer(beneath) ? beneath : undefined;
  map.addSource(OUTLINE_SOURCE, { type: "geojson", data });
  map.addLayer({ id: OUTLINE_FILL_LAYER, type: "fill", source: OUTLINE_SOURCE, paint: { "fill-color": colour, "fill-opacity": 0.06 } }, before);
  map.addLayer(
    {
      id: OUTLINE_OTHERS_LAYER,
      type: "line",
      source: OUTLINE_SOURCE,
      filter: ["==", ["get", "mine"], false],
      paint: { "line-color": colour, "line-width": 2, "line-dasharray": [2, 1.5] },
    },
    before,
  );
  map.addLayer(
    { id: OUTLINE_MINE_LAYER, type: "line", source: OUTLINE_SOURCE, filter: ["==", ["get", "mine"], true], paint: { "line-color": colour, "line-width": 3 } },
    before,
  );
}

export function hideOutlines(map: MapLibreMap): void {
  for (const layer of LAYERS) if (map.getLayer(layer)) map.removeLayer(layer);
  if (map.getSource(OUTLINE_SOURCE)) map.removeSource(OUTLINE_SOURCE);
}
