import type { StyleSpecification } from "maplibre-gl";

export const BASEMAP_COLOURS = { sea: "#b9d7ea", land: "#f4f1ea", coast: "#7f9fb5", border: "#a39a8f" } as const;

/** The offline style: Natural Earth layers served by this app; no glyphs, sprites or network. */
export function offlineStyle(origin: string): StyleSpecification {
  const source = (layer: string) => ({ type: "geojson" as const, data: `${origin}/api/basemap/${layer}.geojson`, attribution: "Natural Earth" });
  return {
    version: 8,
    sources: {
      land: source("land"),
      coastline: source("coastline"),
      countries: source("countries"),
      states: source("states"),
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": BASEMAP_COLOURS.sea } },
      { id: "land", type: "fill", source: "land", paint: { "fill-color": BASEMAP_COLOURS.land } },
      { id: "coastline", type: "line", source: "coastline", paint: { "line-color": BASEMAP_COLOURS.coast, "line-width": 0.8 } },
      { id: "countries", type: "line", source: "countries", paint: { "line-color": BASEMAP_COLOURS.border, "line-width": 1 } },
      {
        id: "states",
        type: "line",
        source: "states",
        paint: { "line-color": BASEMAP_COLOURS.border, "line-width": 1, "line-dasharray": [3, 2] },
      },
    ],
  };
}

/** Where the map opens: mainland Australia and Tasmania. */
export const AUSTRALIA_BOUNDS: [[number, number], [number, number]] = [[112.5, -44.5], [154.5, -9.5]];
