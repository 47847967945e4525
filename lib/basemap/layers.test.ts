import type { FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon, Position } from "geojson";
import { feature } from "topojson-client";
import { describe, expect, it } from "vitest";
import { splitPolygonAtAntimeridian } from "./antimeridian";
import { BASEMAP_LAYERS, basemapLayer } from "./layers";

/** Every ring or line of a layer, whatever its geometry type. */
function linesOf(layer: (typeof BASEMAP_LAYERS)[number]): Position[][] {
  const fc = JSON.parse(basemapLayer(layer)) as FeatureCollection<MultiLineString | LineString | Polygon | MultiPolygon>;
  return fc.features.flatMap(({ geometry: g }) => {
    switch (g.type) {
      case "LineString":
        return [g.coordinates];
      case "MultiLineString":
      case "Polygon":
        return g.coordinates;
      case "MultiPolygon":
        return g.coordinates.flat();
    }
  });
}

/** Planar area in square degrees (shoelace), rings of a polygon with even-odd holes. */
function planarArea(rings: Position[][]): number {
  const ringArea = (r: Position[]) => Math.abs(r.reduce((a, p, i) => a + (i ? (r[i - 1][0] - p[0]) * (r[i - 1][1] + p[1]) : 0), 0)) / 2;
  return ringArea(rings[0]) - rings.slice(1).reduce((a, r) => a + ringArea(r), 0);
}

const unwrappedArea = (rings: Position[][]) =>
  planarArea(
    rings.map((ring) => {
      let shift = 0;
      return ring.map(([x, y], i) => {
        if (i > 0) shift += ring[i - 1][0] - x > 180 ? 360 : x - ring[i - 1][0] > 180 ? -360 : 0;
        return [x + shift, y];
      });
    }),
  );

describe("offline basemap layers", () => {
  it.each(BASEMAP_LAYERS)("%s is non-empty GeoJSON", (layer) => {
    const fc = JSON.parse(basemapLayer(layer)) as FeatureCollection;
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features.length).toBeGreaterThan(0);
  });

  // A segment from +180 to -180 is drawn right across a Web Mercator map: the grey line that
  // crossed Australia at 16.5°S came from Fiji's land polygon.
  it.each(BASEMAP_LAYERS)("%s has no segment or ring edge jumping across the antimeridian", (layer) => {
    const jumps = linesOf(layer).flatMap((line) =>
      line.slice(1).flatMap((p, i) => (Math.abs(p[0] - line[i][0]) > 180 ? [[line[i], p]] : [])),
    );
    expect(jumps).toEqual([]);
  });

  it("keeps every coordinate on the map (longitudes within ±180, latitudes within ±90)", () => {
    const outside = BASEMAP_LAYERS.flatMap((layer) => linesOf(layer).flat().filter(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 90));
    expect(outside).toEqual([]);
  });

  it("land split at the antimeridian keeps the area of every land mass that does not surround a pole", async () => {
    const { createRequire } = await import("node:module");
    const topo = createRequire(import.meta.url)("world-atlas/land-50m.json");
    const original = feature(topo, topo.objects.land) as unknown as FeatureCollection<MultiPolygon>;
    for (const rings of original.features.flatMap((f) => f.geometry.coordinates)) {
      if (rings[0][0][1] < -60) continue; // Antarctica is closed along the pole, which adds area by design
      const parts = splitPolygonAtAntimeridian(rings);
      const after = parts.reduce((a, p) => a + planarArea(p), 0);
      expect(after).toBeCloseTo(unwrappedArea(rings), 6);
    }
  });
});

describe("splitPolygonAtAntimeridian", () => {
  it("leaves a polygon that does not cross as it is", () => {
    const square = [[[150, -30], [151, -30], [151, -29], [150, -29], [150, -30]]];
    expect(splitPolygonAtAntimeridian(square)).toEqual([square]);
  });

  it("splits an island across 180° into one part on each side", () => {
    const island = [[[179, -16], [-179, -16], [-179, -17], [179, -17], [179, -16]]];
    const parts = splitPolygonAtAntimeridian(island);
    expect(parts).toHaveLength(2);
    const spans = parts.map((p) => [Math.min(...p[0].map((q) => q[0])), Math.max(...p[0].map((q) => q[0]))]).sort((a, b) => a[0] - b[0]);
    expect(spans).toEqual([[-180, -179], [179, 180]]);
    expect(parts.reduce((a, p) => a + planarArea(p), 0)).toBeCloseTo(2, 9);
  });

  it("closes a ring round the south pole along the pole", () => {
    const ring = [[-180, -70], [-90, -72], [0, -70], [90, -72], [180, -70], [-180, -70]];
    const parts = splitPolygonAtAntimeridian([ring]);
    expect(parts).toHaveLength(1);
    expect(Math.min(...parts[0][0].map((p) => p[1]))).toBe(-90);
    expect(planarArea(parts[0])).toBeGreaterThan(360 * 18);
  });
});
