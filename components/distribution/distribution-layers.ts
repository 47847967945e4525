/**
 * The species' range on the map: the occupancy cells as a light fill under the occurrences, and
 * the range outline (alpha hull solid, convex hull dashed) above the cells. GeoJSON sources read
 * the published products; a new build (its builtAt in the URL) replaces the data in place.
 */
import type { FilterSpecification, GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";

export const CELLS_SOURCE = "distribution-cells";
export const RANGE_SOURCE = "distribution-range";
export const CELLS_LAYER = "distribution-cells-fill";
export const HULL_LAYER = "distribution-alpha-hull";
export const CONVEX_LAYER = "distribution-convex-hull";

export const DISTRIBUTION_COLOUR = "#6d28d9";
export const CELLS_OPACITY = 0.18;

const kind = (k: string): FilterSpecification => ["==", ["get", "kind"], k];

/** Adds the sources and layers beneath `beneath` (when it exists), or points them at new data. */
export function showDistribution(map: MapLibreMap, urls: { cells: string; range: string }, beneath: string): void {
  const cells = map.getSource<GeoJSONSource>(CELLS_SOURCE);
  const range = map.getSource<GeoJSONSource>(RANGE_SOURCE);
  if (cells && range) {
    cells.setData(urls.cells);
    range.setData(urls.range);
    return;
  }
  const before = map.getLayer(beneath) ? beneath : undefined;
  map.addSource(CELLS_SOURCE, { type: "geojson", data: urls.cells });
  map.addSource(RANGE_SOURCE, { type: "geojson", data: urls.range });
  map.addLayer({ id: CELLS_LAYER, type: "fill", source: CELLS_SOURCE, paint: { "fill-color": DISTRIBUTION_COLOUR, "fill-opacity": CELLS_OPACITY } }, before);
  map.addLayer(
    { id: CONVEX_LAYER, type: "line", source: RANGE_SOURCE, filter: kind("convex-hull"), paint: { "line-color": DISTRIBUTION_COLOUR, "line-width": 1, "line-dasharray": [3, 2] } },
    before,
  );
  map.addLayer({ id: HULL_LAYER, type: "line", source: RANGE_SOURCE, filter: kind("alpha-hull"), paint: { "line-color": DISTRIBUTION_COLOUR, "line-width": 2.5 } }, before);
}

export function hideDistribution(map: MapLibreMap): void {
  for (const layer of [HULL_LAYER, CONVEX_LAYER, CELLS_LAYER]) if (map.getLayer(layer)) map.removeLayer(layer);
  for (const source of [RANGE_SOURCE, CELLS_SOURCE]) if (map.getSource(source)) map.removeSource(source);
}
