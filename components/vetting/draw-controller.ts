/**
 * The drawing tools on the map (terra-draw): draw polygons, edit their vertices, clear, and read the
 * result back as one area. Several polygons make a MultiPolygon. Loaded only when someone starts
 * vetting, so the map page of everyone else carries none of it.
 */
import type { Map as MapLibreMap } from "maplibre-gl";
import type { GeoJSONStoreFeatures, TerraDraw } from "terra-draw";
import type { Area } from "@/lib/geometry/point-in-area";

export type DrawMode = "draw" | "edit";

export interface DrawState {
  mode: DrawMode;
  /** Finished polygons (one being drawn does not count until it is closed). */
  polygons: number;
  /** A polygon is being drawn right now. */
  drawing: boolean;
}

export interface DrawController {
  setMode(mode: DrawMode): void;
  clear(): void;
  /** Puts an area's polygons on the map for editing (see `hasHoles`); false if terra-draw refused them. */
  load(area: Area): boolean;
  /** The finished polygons as one area, or null when there are none. */
  area(): Area | null;
  destroy(): void;
}

/** terra-draw's own limit: coordinates with more decimals are refused when loaded. */
const PRECISION = 9;
const DRAW_COLOUR = "#7c3aed";
const POLYGON_MODE = "polygon";

/** terra-draw edits outer rings only: an area with holes (possible through the API) cannot be edited on the map. */
export const hasHoles = (area: Area) => (area.type === "Polygon" ? [area.coordinates] : area.coordinates).some((rings) => rings.length > 1);

const round = (n: number) => Math.round(n * 10 ** PRECISION) / 10 ** PRECISION;

function finishedPolygons(draw: TerraDraw): GeoJSONStoreFeatures[] {
  return draw
    .getSnapshot()
    .filter((f) => f.properties.mode === POLYGON_MODE && f.geometry.type === "Polygon" && !f.properties.currentlyDrawing);
}

export async function createDrawController(map: MapLibreMap, onChange: (state: DrawState) => void): Promise<DrawController> {
  const [{ TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode }, { TerraDrawMapLibreGLAdapter }] = await Promise.all([
    import("terra-draw"),
    import("terra-draw-maplibre-gl-adapter"),
  ]);
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: PRECISION }),
    modes: [
      new TerraDrawPolygonMode({
        styles: { fillColor: DRAW_COLOUR, fillOpacity: 0.1, outlineColor: DRAW_COLOUR, outlineWidth: 3, closingPointColor: "#ffffff", closingPointOutlineColor: DRAW_COLOUR },
      }),
      new TerraDrawSelectMode({
        flags: { [POLYGON_MODE]: { feature: { draggable: true, coordinates: { midpoints: true, draggable: true, deletable: true } } } },
        styles: { selectedPolygonColor: DRAW_COLOUR, selectedPolygonOutlineColor: DRAW_COLOUR, selectedPolygonFillOpacity: 0.12, selectionPointColor: "#ffffff", selectionPointOutlineColor: DRAW_COLOUR },
      }),
    ],
  });
  draw.start();

  let mode: DrawMode = "draw";
  let last = "";
  // terra-draw reports every pointer move while drawing: tell the page only when something it shows changed.
  const report = () => {
    const state: DrawState = {
      mode,
      polygons: finishedPolygons(draw).length,
      drawing: draw.getSnapshot().some((f) => f.properties.currentlyDrawing === true),
    };
    const key = JSON.stringify(state);
    if (key === last) return;
    last = key;
    onChange(state);
  };
  const setMode = (next: DrawMode) => {
    mode = next;
    draw.setMode(next === "draw" ? POLYGON_MODE : "select");
    report();
  };
  draw.on("change", report);
  draw.on("finish", report);
  setMode("draw");

  return {
    setMode,
    clear() {
      draw.clear();
      report();
    },
    load(area) {
      if (hasHoles(area)) return false;
      const polygons = area.type === "Polygon" ? [area.coordinates] : area.coordinates;
      const results = draw.addFeatures(
        polygons.map(([outer]) => ({
          type: "Feature",
          geometry: { type: "Polygon", coordinates: [outer.map(([lon, lat]) => [round(lon), round(lat)])] },
          properties: { mode: POLYGON_MODE },
        })),
      );
      report();
      return results.every((r) => r.valid);
    },
    area() {
      const rings = finishedPolygons(draw).map((f) => (f.geometry as GeoJSON.Polygon).coordinates);
      if (rings.length === 0) return null;
      return rings.length === 1 ? { type: "Polygon", coordinates: rings[0] } : { type: "MultiPolygon", coordinates: rings };
    },
    destroy() {
      draw.off("change", report);
      draw.off("finish", report);
      draw.stop();
    },
  };
}
