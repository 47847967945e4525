import type { FeatureCollection, LineString, MultiLineString } from "geojson";
import { describe, expect, it } from "vitest";
import { BASEMAP_LAYERS, basemapLayer } from "./layers";

describe("offline basemap layers", () => {
  it.each(BASEMAP_LAYERS)("%s is non-empty GeoJSON", (layer) => {
    const fc = JSON.parse(basemapLayer(layer)) as FeatureCollection;
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features.length).toBeGreaterThan(0);
  });

  it.each(["coastline", "countries"] as const)("%s has no segment jumping across the antimeridian", (layer) => {
    const fc = JSON.parse(basemapLayer(layer)) as FeatureCollection<MultiLineString | LineString>;
    for (const f of fc.features) {
      const lines = f.geometry.type === "LineString" ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const line of lines) {
        for (let i = 1; i < line.length; i++) expect(Math.abs(line[i][0] - line[i - 1][0])).toBeLessThanOrEqual(180);
      }
    }
  });
});
