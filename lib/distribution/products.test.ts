import { describe, expect, it } from "vitest";
import { alphaHull } from "./alpha-hull";
import { aoo, occupiedCells } from "./aoo";
import { buildProducts, DEFAULT_SETTINGS, type CountedRecords } from "./build";
import { eoo, ringArea } from "./eoo";
import { projectPoints } from "./points";
import { projectionFor } from "./projection";
import { cellCorners, generalisationOf } from "./publish";

function records(positions: [number, number][], accurate: [number, number][] = []): CountedRecords {
  const all = [...positions, ...accurate];
  return {
    lon: Float64Array.from(all.map((p) => p[0])),
    lat: Float64Array.from(all.map((p) => p[1])),
    publicLon: Float64Array.from(all.map((p, i) => (i < positions.length ? p[0] : Math.round(p[0] * 10) / 10))),
    publicLat: Float64Array.from(all.map((p, i) => (i < positions.length ? p[1] : Math.round(p[1] * 10) / 10))),
    accurate: Uint8Array.from(all.map((_, i) => (i < positions.length ? 0 : 1))),
  };
}

/** A grid of n × n positions `step` degrees apart from (lon, lat). */
function lattice(lon: number, lat: number, n: number, step: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.push([lon + i * step, lat + j * step]);
  return out;
}

describe("projections", () => {
  it("go there and back to within a centimetre, cylindrical and azimuthal, across the antimeridian", () => {
    for (const centre of [{ lon: 146, lat: -20 }, { lon: 179.5, lat: -17 }, { lon: 20, lat: 79 }, { lon: -60, lat: -75 }]) {
      const p = projectionFor(centre);
      for (const [lon, lat] of [[centre.lon + 1.3, centre.lat - 0.7], [centre.lon - 2.2, centre.lat + 0.4]]) {
        const [x, y] = p.forward(lon, lat);
        const [lon2, lat2] = p.inverse(x, y);
        expect(Math.abs(lon2 - lon) * 111_000).toBeLessThan(0.01);
        expect(Math.abs(lat2 - lat) * 111_000).toBeLessThan(0.01);
      }
    }
    expect(projectionFor({ lon: 0, lat: 69.9 }).kind).toBe("cea");
    expect(projectionFor({ lon: 0, lat: -70 }).kind).toBe("laea");
  });

  it("keep points either side of the antimeridian next to each other", () => {
    const points = projectPoints([179.9, -179.9, 179.95], [-17, -17, -17.1]);
    expect(Math.abs(points.xy[0] - points.xy[2])).toBeLessThan(25_000);
  });
});

describe("EOO", () => {
  it("is the area of a 1° square near the equator (about 12 300 km²)", () => {
    const result = eoo(projectPoints([10, 11, 11, 10, 10.5], [0, 0, 1, 1, 0.5]));
    expect(result.computable && result.km2).toBeCloseTo(12_308, -2);
  });

  it("is not computable, with the reason, for fewer than 3 distinct positions or collinear ones", () => {
    expect(eoo(projectPoints([150, 150, 151], [-30, -30, -31]))).toEqual({ computable: false, reason: expect.stringMatching(/at least 3 distinct positions; .* have 2/) });
    expect(eoo(projectPoints([150, 151, 152, 153], [-30, -30, -30, -30]))).toEqual({ computable: false, reason: expect.stringMatching(/one straight line/) });
  });
});

describe("AOO", () => {
  it("counts occupied 2 km cells, takes the smallest count over the offsets, and follows the cell size", () => {
    // Two records 100 m apart share a cell at most offsets; a third is 50 km away.
    const points = projectPoints([150, 150.001, 150.5], [-30, -30, -30]);
    const result = aoo(points)!;
    expect(result.cells).toBe(2);
    expect(result.km2).toBe(8);
    expect(result.counts).toHaveLength(4);
    expect(aoo(points, { cellKm: 100, offsets: [0] })!.km2).toBe(10_000);
  });

  it("finds the same cells in the order of their first position, whether it marks them in bits (a dense box) or in a table (a sparse one)", () => {
    /** Every cell once, in order of first position: what occupiedCells must give. */
    const reference = (xy: Float64Array, origin: [number, number], size: number, share: number) => {
      const seen = new Map<string, [number, number]>();
      for (let i = 0; i < xy.length; i += 2) {
        const col = Math.floor((xy[i] - (origin[0] - (2 + share) * size)) / size);
        const row = Math.floor((xy[i + 1] - (origin[1] - (2 + share) * size)) / size);
        if (!seen.has(`${col},${row}`)) seen.set(`${col},${row}`, [col, row]);
      }
      return { cols: [...seen.values()].map((c) => c[0]), rows: [...seen.values()].map((c) => c[1]) };
    };
    let s = 3;
    const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // Dense: 5 000 positions over 100 × 60 km (1 500 cells of 2 km); sparse: 40 positions 2 000 km apart, and fewer.
    const dense = projectPoints(Array.from({ length: 5000 }, () => 145 + random()), Array.from({ length: 5000 }, () => -20 - 0.55 * random()));
    const sparse = projectPoints(Array.from({ length: 40 }, (_, i) => 120 + (i % 2) * 25 + random()), Array.from({ length: 40 }, () => -15 - 20 * random()));
    for (const points of [dense, sparse, projectPoints([150], [-30])]) {
      for (const [origin, share] of [[[0, 0], -2], [[-1234.5, 987.25], 0.25]] as [[number, number], number][]) {
        const { cols, rows } = occupiedCells(points.xy, origin, 2000, share);
        expect({ cols: [...cols], rows: [...rows] }).toEqual(reference(points.xy, origin, 2000, share));
      }
    }
    expect(occupiedCells(dense.xy, [0, 0], 2000, 0).cols.length).toBeGreaterThan(1000);
  });
});

describe("the alpha hull", () => {
  it("keeps a dense block and drops the long triangles to a far outlier, counting the records inside", () => {
    const block = lattice(145, -20, 6, 0.1);
    const points = projectPoints([...block.map((p) => p[0]), 147], [...block.map((p) => p[1]), -20]);
    const hull = alphaHull(points, 2);
    expect(hull.polygons).toHaveLength(1);
    expect(hull.recordsInside).toBe(36);
    expect(hull.records).toBe(37);
    // The block is 0.5° square: about 2 900 km² at 20° S.
    const km2 = Math.abs(ringArea(hull.polygons[0][0])) / 1e6;
    expect(km2).toBeGreaterThan(2_700);
    expect(km2).toBeLessThan(3_100);
    // A larger alpha bridges the gap: everything is inside.
    expect(alphaHull(points, 100).recordsInside).toBe(37);
  });

  it("keeps a hole where the records leave a gap, wound as GeoJSON asks", () => {
    const ring = lattice(145, -20, 9, 0.1).filter(([lon, lat]) => !(lon > 145.25 && lon < 145.55 && lat > -19.75 && lat < -19.45));
    const hull = alphaHull(projectPoints(ring.map((p) => p[0]), ring.map((p) => p[1])), 1.2);
    expect(hull.polygons).toHaveLength(1);
    expect(hull.polygons[0]).toHaveLength(2);
    expect(ringArea(hull.polygons[0][0])).toBeGreaterThan(0);
    expect(ringArea(hull.polygons[0][1])).toBeLessThan(0);
  });
});

describe("published geometry of sensitive records", () => {
  it("finds a public position's generalisation grid, the coarsest on which it lies", () => {
    expect(generalisationOf(145.3, -17.1)).toBe(0.1);
    expect(generalisationOf(Math.fround(145.3), Math.fround(-17.1))).toBe(0.1);
    expect(generalisationOf(145, -17)).toBe(1);
    expect(generalisationOf(145.55, -17.01)).toBe(0.01);
    expect(generalisationOf(145.123456, -17.654321)).toBe(1);
  });

  it("never has a vertex or cell edge at an accurate coordinate, and snaps outward to the generalisation grid", async () => {
    const open = lattice(146, -19, 4, 0.3);
    const secret: [number, number][] = [[145.1372, -18.5628], [147.3371, -17.9719]];
    const products = await buildProducts(records(open, secret));
    expect(products.snappedToDegrees).toBe(0.1);
    const vertices = JSON.stringify([products.range, products.cells]);
    for (const [lon, lat] of secret) {
      expect(vertices).not.toContain(String(lon));
      expect(vertices).not.toContain(String(lat));
    }
    // Every vertex lies on the 0.1° grid's cell corners (odd multiples of 0.05°).
    const coordinates = JSON.stringify(products.range.features.map((f) => f.geometry.coordinates)).match(/-?\d+(\.\d+)?/g)!.map(Number);
    for (const c of coordinates) expect(Math.abs(c / 0.05 - Math.round(c / 0.05))).toBeLessThan(1e-6);
    // The snapped hull contains the unsnapped one.
    const plain = await buildProducts({ ...records([...open, ...secret]), accurate: new Uint8Array(18) });
    const area = (fc: typeof products.range) => fc.features.find((f) => f.properties!.kind === "convex-hull")!.geometry.coordinates[0] as [number, number][];
    expect(Math.abs(ringArea(area(products.range)))).toBeGreaterThan(Math.abs(ringArea(area(plain.range))));
    // Cells are the 0.1° grid's, never finer; the figures still use the accurate positions.
    expect(products.displayCell).toEqual({ degrees: 0.1 });
    expect(products.eoo!.km2).toBeCloseTo(plain.eoo!.km2, 6);
    expect(products.aoo!.cells).toBe(plain.aoo!.cells);
  });

  it("turns a record into the four corners of its generalisation cell", () => {
    expect(cellCorners([145.3], [-17.1], 0.1)).toEqual({ lon: [145.25, 145.35, 145.35, 145.25], lat: [-17.15, -17.15, -17.05, -17.05] });
  });
});

describe("buildProducts", () => {
  it("gives every product with its settings, or says why EOO is not computable", async () => {
    const products = await buildProducts(records(lattice(150, -30, 5, 0.05)));
    expect(products.recordsUsed).toBe(25);
    expect(products.eoo!.km2).toBeGreaterThan(0);
    expect(products.aoo).toMatchObject({ cellKm: 2, cells: 25, km2: 100 });
    expect(products.range.features.map((f) => f.properties!.kind)).toEqual(["alpha-hull", "convex-hull"]);
    expect(products.alpha).toEqual({ value: DEFAULT_SETTINGS.alpha, shareInside: 1 });
    expect(products.cells.features.length).toBeGreaterThan(0);
    expect(products.snappedToDegrees).toBeNull();

    const two = await buildProducts(records([[150, -30], [150.2, -30.1]]));
    expect(two.eoo).toBeNull();
    expect(two.notComputable).toMatch(/at least 3 distinct positions/);
    expect(two.aoo!.cells).toBe(2);
    expect(two.range.features).toEqual([]);
  });
});
