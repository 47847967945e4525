import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeArrayBuffer } from "geotiff";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGeoTiff, readBand, type Grid } from "./geotiff";
import { filesOfDirectory, validateLayerSet } from "./validate";

const GRID: Grid = { width: 4, height: 3, west: 110, north: -10, resX: 0.5, resY: 0.5, crs: 4326 };
const cells = (n = 12, f = (i: number) => i + 1) => Float32Array.from({ length: n }, (_, i) => f(i));

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "edgar-layers-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A fresh directory holding the given files. */
async function set(files: Record<string, Buffer | string>): Promise<string> {
  const dir = path.join(root, `set${n++}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}
const tif = (grid: Grid = GRID, values = cells(grid.width * grid.height)) => encodeGeoTiff(values, grid);

describe("GeoTIFF reading", () => {
  it("reads back what it wrote, nodata as NaN", async () => {
    const values = cells();
    values[5] = NaN;
    const dir = await set({ "bio1.tif": tif(GRID, values) });
    const { info, values: back } = await readBand(path.join(dir, "bio1.tif"));
    expect(info.grid).toEqual(GRID);
    expect(Array.from(back)).toEqual(Array.from(values));
  });
});

describe("validateLayerSet", () => {
  it("accepts a set on one grid and names its variables in natural order", async () => {
    const dir = await set({ "bio12.tif": tif(), "bio1.tif": tif(), "bio4.tif": tif(), "readme.txt": "ignored" });
    const checked = await validateLayerSet(await filesOfDirectory(dir), []);
    expect(checked.variables).toEqual(["bio1", "bio4", "bio12"]);
    expect(checked.grid).toEqual(GRID);
  });

  it("refuses a file on another grid, naming it", async () => {
    const dir = await set({ "bio1.tif": tif(), "bio4.tif": tif({ ...GRID, west: 111 }) });
    await expect(validateLayerSet(await filesOfDirectory(dir), [])).rejects.toThrow(/bio4\.tif: is on another grid than bio1\.tif/);
  });

  it("refuses a file of another size, naming it", async () => {
    const dir = await set({ "bio1.tif": tif(), "bio4.tif": tif({ ...GRID, width: 5 }) });
    await expect(validateLayerSet(await filesOfDirectory(dir), [])).rejects.toThrow(/bio4\.tif: .*5 × 3 cells/);
  });

  it("refuses a file that is all nodata", async () => {
    const dir = await set({ "bio1.tif": tif(), "bio5.tif": tif(GRID, cells(12, () => NaN)) });
    await expect(validateLayerSet(await filesOfDirectory(dir), [])).rejects.toThrow(/bio5\.tif: has no data/);
  });

  it("refuses a file that is not a GeoTIFF", async () => {
    const dir = await set({ "bio1.tif": "not a tiff at all" });
    await expect(validateLayerSet(await filesOfDirectory(dir), [])).rejects.toThrow(/bio1\.tif: is not a readable GeoTIFF/);
  });

  it("refuses a projected CRS", async () => {
    const projected = Buffer.from(
      writeArrayBuffer(cells(), { width: 4, height: 3, ModelPixelScale: [1000, 1000, 0], ModelTiepoint: [0, 0, 0, 0, 0, 0], ProjectedCSTypeGeoKey: 3577, GTModelTypeGeoKey: 1 } as never),
    );
    const dir = await set({ "bio1.tif": projected });
    await expect(validateLayerSet(await filesOfDirectory(dir), [])).rejects.toThrow(/bio1\.tif: has CRS EPSG:3577; layers must be in EPSG:4326/);
  });

  it("refuses a file with several bands", async () => {
    const two = Buffer.from(writeArrayBuffer(cells(24), { width: 4, height: 3, ModelPixelScale: [0.5, 0.5, 0], ModelTiepoint: [0, 0, 0, 110, -10, 0] } as never));
    const dir = await set({ "bio1.tif": two });
    await expect(validateLayerSet(await filesOfDirectory(dir), [])).rejects.toThrow(/bio1\.tif: has 2 bands/);
  });

  it("refuses a badly named file and an empty directory", async () => {
    await expect(filesOfDirectory(await set({ "1bio.tif": tif() }))).rejects.toThrow(/1bio\.tif: "1bio" is not a variable name/);
    await expect(filesOfDirectory(await set({ "notes.txt": "x" }))).rejects.toThrow(/holds no GeoTIFF/);
    await expect(filesOfDirectory(path.join(root, "missing"))).rejects.toThrow(/missing: cannot be listed \(ENOENT\)/);
  });

  const registered = [{ name: "current", variables: ["bio1", "bio4"], grid: GRID }];

  it("refuses a set lacking a registered variable or holding another", async () => {
    const lacking = await set({ "bio1.tif": tif() });
    await expect(validateLayerSet(await filesOfDirectory(lacking), registered)).rejects.toThrow(/lacks bio4: every set must hold the variables of the registered set "current"/);
    const extra = await set({ "bio1.tif": tif(), "bio4.tif": tif(), "bio5.tif": tif() });
    await expect(validateLayerSet(await filesOfDirectory(extra), registered)).rejects.toThrow(/has bio5 too/);
  });

  it("refuses a set on another grid than the registered sets", async () => {
    const other = { ...GRID, resX: 0.25, width: 4 };
    const dir = await set({ "bio1.tif": tif(other), "bio4.tif": tif(other) });
    await expect(validateLayerSet(await filesOfDirectory(dir), registered)).rejects.toThrow(/bio1\.tif: is on another grid than the registered set "current"/);
  });

  it("accepts a set matching the registered ones", async () => {
    const dir = await set({ "bio1.tif": tif(), "bio4.tif": tif() });
    expect((await validateLayerSet(await filesOfDirectory(dir), registered)).variables).toEqual(["bio1", "bio4"]);
  });
});
