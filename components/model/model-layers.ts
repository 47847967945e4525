/**
 * The suitability model on the map: one raster source and layer per step of the timeline, so a
 * step change fades one into the next (MapLibre's raster-opacity transition) instead of blinking.
 */
import type { Map as MapLibreMap } from "maplibre-gl";

const PREFIX = "model-suitability-";
export const FADE_MS = 900;
export const MODEL_OPACITY = 0.75;

const ids = (setId: number) => ({ source: `${PREFIX}src-${setId}`, layer: `${PREFIX}${setId}` });

/** Shows `visible` (a layer set id) and fades out the others; `steps` are the set ids with their tile URLs. */
export function showModel(map: MapLibreMap, steps: { setId: number; url: string }[], visible: number, beneath: string): void {
  const before = map.getLayer(beneath) ? beneath : undefined;
  for (const { setId, url } of steps) {
    const { source, layer } = ids(setId);
    if (!map.getSource(source)) map.addSource(source, { type: "raster", tiles: [url], tileSize: 256 });
    if (!map.getLayer(layer)) {
      map.addLayer({ id: layer, type: "raster", source, paint: { "raster-opacity": 0, "raster-opacity-transition": { duration: FADE_MS, delay: 0 }, "raster-fade-duration": 0 } }, before);
    }
    map.setPaintProperty(layer, "raster-opacity", setId === visible ? MODEL_OPACITY : 0);
  }
}

export function hideModel(map: MapLibreMap): void {
  const style = map.getStyle();
  for (const l of style?.layers ?? []) if (l.id.startsWith(PREFIX)) map.removeLayer(l.id);
  for (const s of Object.keys(style?.sources ?? {})) if (s.startsWith(PREFIX)) map.removeSource(s);
}
