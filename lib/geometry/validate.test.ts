import type { MultiPolygon, Polygon, Position } from "geojson";
import { describe, expect, it } from "vitest";
import { GEOMETRY_LIMITS, GeometryError, validateArea } from "./validate";
import { BOW_TIE, squareRing as square, starRing as star } from "./validate-fixtures";
import { parseWktArea } from "./validate-wkt";

const polygon = (...rings: Position[][]): Polygon => ({ type: "Polygon", coordinates: rings });

function problem(input: unknown, parse: (v: unknown) => unknown = validateArea): string {
  try {
    parse(input);
  } catch (err) {
    expect(err).toBeInstanceOf(GeometryError);
    return (err as Error).message;
  }
  throw new Error("expected the geometry to be refused");
}

describe("validateArea accepts", () => {
  it("a polygon, as a clean copy", () => {
    const input = { ...polygon(square(140, -30, 141, -29)), bbox: [1, 2, 3, 4] };
    expect(validateArea(input)).toEqual(polygon(square(140, -30, 141, -29)));
  });

  it("a polygon with a hole, either ring orientation, answered in RFC 7946's winding", () => {
    const outer = square(140, -30, 150, -20);
    const hole = square(144, -26, 146, -24).reverse();
    expect(validateArea(polygon(outer, hole))).toEqual(polygon(outer, hole));
    // A clockwise outer ring and counter-clockwise hole still mean the area drawn, rewound.
    expect(validateArea(polygon([...outer].reverse(), [...hole].reverse()))).toEqual(polygon(outer, hole));
    const multi: MultiPolygon = { type: "MultiPolygon", coordinates: [[[...outer].reverse()]] };
    expect(validateArea(multi)).toEqual({ type: "MultiPolygon", coordinates: [[outer]] });
  });

  it("a loose box around Australia, and one around all its islands, up to the documented limit", () => {
    expect(() => validateArea(polygon(square(110, -45, 155, -10)))).not.toThrow();
    expect(() => validateArea(polygon(square(72, -56, 169, -9)))).not.toThrow();
  });

  it("a tiny but real triangle down to the minimum area", () => {
    // About 1.5 m on each short side: just over 1 m².
    expect(() => validateArea(polygon([[140, -30], [140.000015, -30], [140, -29.999985], [140, -30]]))).not.toThrow();
  });

  it("a multipolygon, whose parts may overlap (several drawn polygons make one area)", () => {
    const area: MultiPolygon = { type: "MultiPolygon", coordinates: [[square(140, -30, 142, -28)], [square(141, -29, 143, -27)]] };
    expect(validateArea(area)).toEqual(area);
  });

  it("altitudes (dropped) and repeated consecutive positions (removed)", () => {
    const ring = [[140, -30, 5], [141, -30, 5], [141, -30, 5], [141, -29], [140, -29], [140, -30]];
    expect(validateArea({ type: "Polygon", coordinates: [ring] })).toEqual(polygon(square(140, -30, 141, -29)));
  });

  it("the vertex limit exactly, and edges of the coordinate range", () => {
    expect(() => validateArea(polygon(star(GEOMETRY_LIMITS.maxVertices)))).not.toThrow();
    expect(() => validateArea(polygon(square(179, 89, 180, 90)))).not.toThrow();
    expect(() => validateArea(polygon(square(-180, -90, -179, -89)))).not.toThrow();
  });
});

describe("validateArea refuses, naming the problem", () => {
  it("what is not a Polygon or MultiPolygon", () => {
    expect(problem(null)).toMatch(/must be a GeoJSON Polygon or MultiPolygon object/);
    expect(problem([1, 2])).toMatch(/object/);
    expect(problem("POLYGON((0 0,1 0,1 1,0 0))")).toMatch(/object/);
    expect(problem({ type: "Point", coordinates: [1, 2] })).toMatch(/not "Point"/);
    expect(problem({ type: "LineString", coordinates: [[0, 0], [1, 1]] })).toMatch(/not "LineString"/);
    expect(problem({ type: "Feature", geometry: polygon(square(0, 0, 1, 1)) })).toMatch(/Feature's geometry/);
    expect(problem({ coordinates: [] })).toMatch(/without a type/);
    expect(problem({ type: "polygon", coordinates: [square(0, 0, 1, 1)] })).toMatch(/not "polygon"/);
  });

  it("malformed coordinates", () => {
    expect(problem({ type: "Polygon" })).toMatch(/coordinates must be an array/);
    expect(problem({ type: "Polygon", coordinates: [] })).toMatch(/polygon has no rings/);
    expect(problem({ type: "Polygon", coordinates: ["ring"] })).toMatch(/outer ring must be an array of positions/);
    expect(problem({ type: "Polygon", coordinates: [[[0, 0], [1, 0], ["1", 1], [0, 0]]] })).toMatch(/outer ring, position 3 must be \[longitude, latitude\]/);
    expect(problem({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [1], [0, 0]]] })).toMatch(/position 3/);
    expect(problem({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1, 1, 1], [0, 0]]] })).toMatch(/position 3/);
    expect(problem({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [null, 1], [0, 0]]] })).toMatch(/position 3/);
    expect(problem({ type: "MultiPolygon", coordinates: [] })).toMatch(/MultiPolygon has no polygons/);
    expect(problem({ type: "MultiPolygon", coordinates: [5] })).toMatch(/polygon 1, polygon must be an array of rings/);
  });

  it("an open ring", () => {
    expect(problem(polygon([[140, -30], [141, -30], [141, -29], [140, -29]]))).toMatch(/outer ring is not closed/);
  });

  it("a ring of fewer than 4 positions", () => {
    expect(problem(polygon([[140, -30], [141, -30], [140, -30]]))).toMatch(/outer ring has 3 positions; a ring needs at least 4/);
    expect(problem(polygon([]))).toMatch(/outer ring has 0 positions/);
    // Four positions, but only two distinct corners once the repeat is dropped.
    expect(problem(polygon([[140, -30], [141, -30], [141, -30], [140, -30]]))).toMatch(/fewer than 3 distinct corners/);
  });

  it("coordinates out of range", () => {
    expect(problem(polygon(square(179, 0, 181, 1)))).toMatch(/outer ring, position 2 has longitude 181, outside -180 to 180/);
    expect(problem(polygon(square(0, -91, 1, 0)))).toMatch(/outer ring, position 1 has latitude -91, outside -90 to 90/);
    expect(problem({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, Infinity], [0, 0]]] })).toMatch(/finite numbers/);
  });

  it("a self-intersecting bow-tie, and where it crosses", () => {
    expect(problem(polygon(BOW_TIE))).toMatch(/polygon intersects itself at \(141, -29\)/);
  });

  it("a hole crossing its outer ring, a hole outside it, a hole inside another hole", () => {
    expect(problem(polygon(square(140, -30, 150, -20), square(148, -26, 152, -24)))).toMatch(/intersects itself/);
    expect(problem(polygon(square(140, -30, 150, -20), square(152, -26, 154, -24)))).toMatch(/hole 1 lies outside the outer ring/);
    expect(problem(polygon(square(140, -30, 150, -20), square(142, -28, 148, -22), square(144, -26, 146, -24)))).toMatch(/hole 2 lies inside hole 1/);
  });

  it("degenerate, zero-area rings", () => {
    expect(problem(polygon([[140, -30], [141, -29], [142, -28], [140, -30]]))).toMatch(/outer ring has no area/);
    expect(problem(polygon(square(140, -30, 150, -20), [[142, -28], [143, -27], [144, -26], [142, -28]]))).toMatch(/hole 1 has no area/);
  });

  it("too many vertices", () => {
    expect(problem(polygon(star(GEOMETRY_LIMITS.maxVertices + 2)))).toMatch(/more than 5000 vertices/);
    // Counted over all parts together.
    const parts = [[star(3000, 130)], [star(3000, 145)]];
    expect(problem({ type: "MultiPolygon", coordinates: parts })).toMatch(/more than 5000 vertices/);
  });

  it("too large an area, naming the limit", () => {
    expect(problem(polygon(square(40, -60, 170, 10)))).toMatch(/covers [\d,]+ km²; the limit is 50,000,000 km², about 6.5 × Australia/);
  });

  it("a tiny triangle, as too small rather than flat, naming the minimum", () => {
    expect(problem(polygon([[140, -30], [140.000001, -30], [140, -29.999999], [140, -30]]))).toMatch(
      /outer ring is too small: it covers 0\.0054 m²; the minimum is 1 m²/,
    );
    expect(problem(polygon(square(140, -30, 150, -20), [[145, -25], [145.000001, -25], [145, -24.999999], [145, -25]]))).toMatch(/hole 1 is too small/);
  });

  it("shapes that wrap the globe: an edge across the antimeridian, more than a hemisphere", () => {
    // Meant as 170° E to 170° W across the Pacific; read on the plane it circles the other way.
    expect(problem(polygon([[170, -20], [-170, -20], [-170, -10], [170, -10], [170, -20]]))).toMatch(
      /outer ring crosses the antimeridian between \(170, -20\) and \(-170, -20\): split the area/,
    );
    expect(problem(polygon([[-100, -5], [0, -5], [100, -5], [100, 5], [0, 5], [-100, 5], [-100, -5]]))).toMatch(/outer ring spans 200° of longitude, more than a hemisphere/);
    // Each part is a hemisphere at most, together they are the whole globe.
    const halves = { type: "MultiPolygon", coordinates: [[square(-180, -90, 0, 90)], [square(0, -90, 180, 90)]] };
    expect(problem(halves)).toMatch(/covers [\d,]+ km², more than a hemisphere: it wraps around the globe/);
  });

  it("a multipolygon with one bad part, naming the part", () => {
    const good = [square(140, -30, 141, -29)];
    const bowTie = [BOW_TIE.map(([x, y]) => [x + 4, y])];
    const open = [[[142, -30], [143, -30], [143, -29], [142, -29]]];
    expect(problem({ type: "MultiPolygon", coordinates: [good, bowTie] })).toMatch(/^polygon 2, polygon intersects itself/);
    expect(problem({ type: "MultiPolygon", coordinates: [good, open] })).toMatch(/^polygon 2, outer ring is not closed/);
  });
});

describe("parseWktArea", () => {
  it("reads POLYGON and MULTIPOLYGON, any case, with SRID=4326 and Z", () => {
    expect(parseWktArea("POLYGON((140 -30, 141 -30, 141 -29, 140 -29, 140 -30))")).toEqual(polygon(square(140, -30, 141, -29)));
    expect(parseWktArea(" polygon ((140 -30,141 -30,141 -29,140 -29,140 -30)) ")).toEqual(polygon(square(140, -30, 141, -29)));
    expect(parseWktArea("SRID=4326;POLYGON Z((140 -30 1,141 -30 1,141 -29 1,140 -29 1,140 -30 1))")).toEqual(polygon(square(140, -30, 141, -29)));
    expect(parseWktArea("MULTIPOLYGON(((140 -30,141 -30,141 -29,140 -29,140 -30)),((142 -30,143 -30,143 -29,142 -30)))")).toEqual({
      type: "MultiPolygon",
      coordinates: [[square(140, -30, 141, -29)], [[[142, -30], [143, -30], [143, -29], [142, -30]]]],
    });
  });

  it("refuses what is not WKT, saying so", () => {
    const wkt = (v: unknown) => problem(v, parseWktArea);
    expect(wkt(42)).toMatch(/must be a WKT string/);
    expect(wkt("")).toMatch(/must be a WKT POLYGON or MULTIPOLYGON$/);
    expect(wkt("POINT(140 -30)")).toMatch(/not POINT/);
    expect(wkt("LINESTRING(0 0, 1 1)")).toMatch(/not LINESTRING/);
    expect(wkt("hello world")).toMatch(/not HELLO/);
    expect(wkt("POLYGON((140 -30, 141 -30")).toMatch(/not valid WKT/);
    expect(wkt("POLYGON((140 -30,141 -30,141 -29,140 -30)) trailing")).toMatch(/text after the geometry/);
    expect(wkt("POLYGON((140 -30,141 -30,141 -29,140 -30)))")).toMatch(/unbalanced/);
    expect(wkt("SRID=3857;POLYGON((0 0,1 0,1 1,0 0))")).toMatch(/SRID 3857/);
    expect(wkt("POLYGON((a b, c d, e f, a b))")).toMatch(/position 1 must be \[longitude, latitude\]/);
    expect(wkt("POLYGON EMPTY")).toMatch(/polygon has no rings/);
  });

  it("applies the same geometry rules as GeoJSON", () => {
    const wkt = (v: unknown) => problem(v, parseWktArea);
    expect(wkt("POLYGON((140 -30,142 -28,142 -30,140 -28,140 -30))")).toMatch(/intersects itself/);
    expect(wkt("POLYGON((140 -30,141 -30,141 -29,140 -29))")).toMatch(/not closed/);
    expect(wkt("POLYGON((200 -30,201 -30,201 -29,200 -30))")).toMatch(/longitude 200/);
  });
});
