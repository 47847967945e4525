import type { Feature, FeatureCollection, Polygon } from "geojson";
import { describe, expect, it } from "vitest";
import { featureCollectionText } from "./geojson-text";
import { displayCells, roundPosition } from "./grid";
import { projectPoints } from "./points";

const CENTRE = { lon: 146, lat: -30 };

/** Positions spread over a few degrees, projected in one species' frame. */
function pointsAt(lonLat: [number, number][]) {
  return projectPoints(
    lonLat.map((p) => p[0]),
    lonLat.map((p) => p[1]),
    CENTRE,
  );
}

const spread: [number, number][] = Array.from({ length: 400 }, (_, i) => [143 + (i % 20) * 0.3, -33 + Math.floor(i / 20) * 0.3]);

/** A cell's polygon as it is defined: its corners in the projection, taken back to lon/lat and rounded. */
function expectedCell(points: ReturnType<typeof pointsAt>, polygon: Polygon, sizeM: number): [number, number][] {
  const [x, y] = points.projection.forward(...(polygon.coordinates[0][0] as [number, number]));
  const [col, row] = [Math.round(x / sizeM), Math.round(y / sizeM)];
  const corners: [number, number][] = [
    [col, row],
    [col + 1, row],
    [col + 1, row + 1],
    [col, row + 1],
    [col, row],
  ];
  return corners.map(([c, r]) => roundPosition(points.projection.inverse(c * sizeM, r * sizeM)));
}

describe("display cells", () => {
  it("hands a cell drawn before back as the same polygon, and a new cell is drawn right", () => {
    const first = displayCells(pointsAt(spread), 10).cells;
    // A change of the records: some cells go, one comes.
    const changed = pointsAt([...spread.slice(40), [149.9, -27.1]]);
    const second = displayCells(changed, 10).cells;
    const before = new Set(first);
    const reused = second.filter((c) => before.has(c));
    const drawn = second.filter((c) => !before.has(c));
    expect(reused.length).toBe(second.length - 1);
    expect(drawn).toHaveLength(1);
    for (const cell of second) expect(cell.coordinates[0]).toEqual(expectedCell(changed, cell, 10_000));
  });

  it("keeps grids apart: another cell size or another frame draws its own cells", () => {
    const points = pointsAt(spread);
    const ten = new Set(displayCells(points, 10).cells);
    const twenty = displayCells(points, 20).cells;
    expect(twenty.some((c) => ten.has(c))).toBe(false);
    for (const cell of twenty) expect(cell.coordinates[0]).toEqual(expectedCell(points, cell, 20_000));
    const elsewhere = projectPoints(
      spread.map((p) => p[0]),
      spread.map((p) => p[1]),
      { lon: 147, lat: -31 },
    );
    expect(displayCells(elsewhere, 10).cells.some((c) => ten.has(c))).toBe(false);
  });
});

describe("feature collection text", () => {
  it("is JSON.stringify's text, the first time and from the kept geometries", () => {
    const cells: FeatureCollection = { type: "FeatureCollection", features: displayCells(pointsAt(spread), 10).cells.map((geometry) => ({ type: "Feature", properties: {}, geometry })) };
    expect(featureCollectionText(cells)).toBe(JSON.stringify(cells));
    expect(featureCollectionText(cells)).toBe(JSON.stringify(cells));
  });

  it("keeps properties, ids, a missing geometry, other members and an empty collection", () => {
    const square: Polygon = { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
    const collection: FeatureCollection = {
      type: "FeatureCollection",
      bbox: [0, 0, 1, 1],
      features: [
        { type: "Feature", id: 7, properties: { name: "a \"quoted\" <b>name</b>", n: 1.5 }, geometry: square },
        { type: "Feature", properties: null, geometry: square },
        { type: "Feature", properties: {}, geometry: null as unknown as Polygon },
        // A foreign member beside the plain shape's three.
        { type: "Feature", properties: {}, geometry: square, title: "kept" } as Feature,
        { type: "Feature", properties: {}, geometry: square },
      ],
    };
    expect(featureCollectionText(collection)).toBe(JSON.stringify(collection));
    const { bbox: _, ...plain } = collection;
    expect(featureCollectionText(plain)).toBe(JSON.stringify(plain));
    const empty: FeatureCollection = { type: "FeatureCollection", features: [] };
    expect(featureCollectionText(empty)).toBe(JSON.stringify(empty));
  });
});
