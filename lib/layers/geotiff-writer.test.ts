/** encodeGeoTiff: geotiff.js's bytes exactly, without its value-by-value encoding; read back as written. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { encodeGeoTiff, encodeGeoTiffSlowly, readBand, type Grid } from "./geotiff";

it("writes the same file as geotiff.js's own writer, and reads back, nodata as NaN", async () => {
  for (const grid of [
    { width: 7, height: 5, west: 112.25, north: -8.5, resX: 0.25, resY: 0.2, crs: 4326 },
    { width: 1, height: 1, west: 0, north: 0, resX: 1, resY: 1, crs: 4326 },
    { width: 300, height: 17, west: -180, north: 90, resX: 1.2, resY: 10.5, crs: 4326 },
  ] satisfies Grid[]) {
    const values = Float32Array.from({ length: grid.width * grid.height }, (_, i) => (i % 11 === 3 ? NaN : Math.sin(i) * 1e3 - i / 7));
    const fast = encodeGeoTiff(values, grid);
    expect(fast.equals(encodeGeoTiffSlowly(values, grid))).toBe(true);

    const dir = await mkdtemp(path.join(tmpdir(), "edgar-tif-"));
    try {
      await writeFile(path.join(dir, "v.tif"), fast);
      const { info, values: back } = await readBand(path.join(dir, "v.tif"));
      expect(info.grid).toEqual(grid);
      expect(Array.from(back)).toEqual(Array.from(values));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
});

it("refuses values that do not fill the grid", () => {
  expect(() => encodeGeoTiff(new Float32Array(5), { width: 2, height: 2, west: 0, north: 0, resX: 1, resY: 1, crs: 4326 })).toThrow(/5 values for a 2 × 2 grid/);
});
