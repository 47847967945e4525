/**
 * Reading and writing single-band GeoTIFF rasters on a north-up lon/lat grid, with the `geotiff`
 * package (geotiff.js: `fromArrayBuffer`, `GeoTIFFImage.getOrigin/getResolution/getGDALNoData/
 * readRasters`, and `writeArrayBuffer` for output). Nodata cells are NaN in memory.
 */
import { readFile } from "node:fs/promises";
import { fromArrayBuffer, writeArrayBuffer } from "geotiff";

/** A raster grid: cell (0, 0) is the north-west one; x grows east, y south. */
export interface Grid {
  width: number;
  height: number;
  /** Longitude of the west edge and latitude of the north edge, degrees. */
  west: number;
  north: number;
  /** Cell size in degrees, east-west and north-south (both positive). */
  resX: number;
  resY: number;
  /** EPSG code of the coordinate reference system (only 4326 is read). */
  crs: number;
}

export interface RasterInfo {
  grid: Grid;
  bands: number;
  /** The GDAL_NODATA value, or null when the file declares none. */
  nodata: number | null;
}

/** A file that cannot be used as a layer, with a sentence that names it and the problem. */
export class LayerFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

const WGS84 = 4326;

async function openImage(file: string) {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new LayerFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    return await tiff.getImage();
  } catch (err) {
    throw new LayerFileError(file, `is not a readable GeoTIFF (${err instanceof Error ? err.message : String(err)})`);
  }
}

type Image = Awaited<ReturnType<typeof openImage>>;

function infoOf(file: string, image: Image): RasterInfo {
  const keys = image.getGeoKeys() ?? {};
  const crs = Number(keys.GeographicTypeGeoKey ?? keys.ProjectedCSTypeGeoKey ?? NaN);
  if (keys.ProjectedCSTypeGeoKey !== undefined || crs !== WGS84) {
    throw new LayerFileError(file, `has CRS ${Number.isFinite(crs) ? `EPSG:${crs}` : "unknown"}; layers must be in EPSG:4326 (WGS 84 longitude/latitude), as WorldClim and CHELSA ship them`);
  }
  let origin: number[];
  let resolution: number[];
  try {
    origin = image.getOrigin();
    resolution = image.getResolution();
  } catch {
    throw new LayerFileError(file, "has no georeferencing (no tie point and pixel scale, or transformation)");
  }
  const transform = image.fileDirectory.getValue("ModelTransformation") as number[] | undefined;
  if (transform && (transform[1] !== 0 || transform[4] !== 0)) {
    throw new LayerFileError(file, "is rotated or sheared; layers must be north-up");
  }
  const [resX, resYSigned] = resolution;
  if (!(resX > 0) || !(resYSigned < 0)) throw new LayerFileError(file, `has cell size ${resX} × ${resYSigned}; layers must be north-up with positive cell sizes`);
  const nodataValue = image.getGDALNoData();
  return {
    grid: { width: image.getWidth(), height: image.getHeight(), west: origin[0], north: origin[1], resX, resY: -resYSigned, crs },
    bands: image.getSamplesPerPixel(),
    nodata: nodataValue,
  };
}

/** A file's grid, band count and nodata value, without reading its cells. */
export async function readRasterInfo(file: string): Promise<RasterInfo> {
  return infoOf(file, await openImage(file));
}

/** A single-band file's cells, row by row from the north-west, nodata as NaN. */
export async function readBand(file: string): Promise<{ info: RasterInfo; values: Float32Array }> {
  const image = await openImage(file);
  const info = infoOf(file, image);
  if (info.bands !== 1) throw new LayerFileError(file, `has ${info.bands} bands; a layer holds one variable, one band`);
  const [band] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  const values = new Float32Array(band.length);
  const nodata = info.nodata;
  // Float32 files store their nodata value rounded to float32: compare at that precision.
  const nodata32 = nodata === null ? NaN : Math.fround(nodata);
  for (let i = 0; i < band.length; i++) {
    const v = band[i];
    values[i] = v === nodata || Math.fround(v) === nodata32 ? NaN : v;
  }
  return { info, values };
}

/** Nodata value written into Edgar's own GeoTIFFs (WorldClim's convention). */
export const WRITE_NODATA = -3.4e38;

/** The tags of Edgar's GeoTIFFs, for geotiff.js's writer. */
function writeMetadata(grid: Grid): Parameters<typeof writeArrayBuffer>[1] {
  return {
    width: grid.width,
    height: grid.height,
    ModelPixelScale: [grid.resX, grid.resY, 0],
    ModelTiepoint: [0, 0, 0, grid.west, grid.north, 0],
    GeographicTypeGeoKey: WGS84,
    GeogCitationGeoKey: "WGS 84",
    GTModelTypeGeoKey: 2,
    GTRasterTypeGeoKey: 1,
    GDAL_NODATA: `${WRITE_NODATA}`,
  } as Parameters<typeof writeArrayBuffer>[1];
}

/** geotiff.js's own encoding of the whole file, value by value (2–3 s of CPU for 4 M cells): encodeGeoTiff's reference. */
export function encodeGeoTiffSlowly(values: Float32Array, grid: Grid): Buffer {
  const out = Float32Array.from(values, (v) => (Number.isNaN(v) ? WRITE_NODATA : v));
  return Buffer.from(writeArrayBuffer(out, writeMetadata(grid)));
}

/**
 * Encodes one band of float32 cells (NaN = nodata) as an uncompressed GeoTIFF in EPSG:4326: the
 * same bytes as encodeGeoTiffSlowly. geotiff.js writes the header and tags (given the strip's size
 * and sample layout, which it would otherwise infer from the values), from one stand-in value; its
 * single strip follows the header, so the cells, big-endian like the header, replace that value.
 */
export function encodeGeoTiff(values: Float32Array, grid: Grid): Buffer {
  if (values.length !== grid.width * grid.height) throw new Error(`encodeGeoTiff: ${values.length} values for a ${grid.width} × ${grid.height} grid`);
  const withHeader = writeArrayBuffer(new Float32Array(1), {
    ...writeMetadata(grid),
    BitsPerSample: [32],
    SamplesPerPixel: [1],
    SampleFormat: [3],
    StripByteCounts: [4 * values.length],
  } as Parameters<typeof writeArrayBuffer>[1]);
  const header = withHeader.byteLength - 4;
  const file = Buffer.alloc(header + 4 * values.length);
  file.set(new Uint8Array(withHeader, 0, header));
  const cells = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) cells[i] = Number.isNaN(values[i]) ? WRITE_NODATA : values[i];
  file.set(Buffer.from(cells.buffer).swap32(), header);
  return file;
}

/** Whether two grids are the same cells (positions compared to a millionth of a cell). */
export function sameGrid(a: Grid, b: Grid): boolean {
  const close = (x: number, y: number, res: number) => Math.abs(x - y) <= res * 1e-6;
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.crs === b.crs &&
    close(a.resX, b.resX, a.resX) &&
    close(a.resY, b.resY, a.resY) &&
    close(a.west, b.west, a.resX) &&
    close(a.north, b.north, a.resY)
  );
}

export function describeGrid(g: Grid): string {
  return `${g.width} × ${g.height} cells of ${g.resX}° × ${g.resY}° from ${g.west}°E ${g.north}°N, EPSG:${g.crs}`;
}
