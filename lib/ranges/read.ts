/**
 * Range polygons in: a GeoJSON FeatureCollection, or an ESRI shapefile (its .shp with the .dbf of
 * attributes beside it, or both in a .zip, as range maps such as BirdLife Australia's are handed
 * out). Read with the `shapefile` package (mbostock/shapefile: open, then read() feature by feature).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as shapefile from "shapefile";
import yauzl from "yauzl";

export interface RangeFeature {
  /** 1-based position in the file, for reports. */
  index: number;
  properties: Record<string, unknown>;
  geometry: unknown;
}

export class RangeFileError extends Error {}

/** At most this much of a GeoJSON file is read; range maps of a continent fit well within it. */
const MAX_GEOJSON_BYTES = 512 * 1024 * 1024;

/** Reads a file by its extension: .geojson / .json, .shp (with its .dbf), or .zip holding a shapefile. */
export async function readRangeFile(file: string): Promise<RangeFeature[]> {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".shp") {
    const stem = file.slice(0, -ext.length);
    const [shp, attributes] = await Promise.all([readFile(file), readFile(`${stem}.dbf`).catch(() => readFile(`${stem}.DBF`))]).catch((err: NodeJS.ErrnoException) => {
      throw new RangeFileError(`cannot read ${err.path ?? file}: a shapefile needs its .dbf of attributes beside the .shp (${err.code ?? err.message})`);
    });
    const cpg = await readFile(`${stem}.cpg`).catch(() => undefined);
    return readShapefile(shp, attributes, cpg);
  }
  return readRangeUpload(path.basename(file), await readFile(file));
}

/** Reads uploaded bytes by the file's name: .geojson / .json, or .zip holding a .shp and .dbf. */
export async function readRangeUpload(name: string, bytes: Uint8Array): Promise<RangeFeature[]> {
  const ext = path.extname(name).toLowerCase();
  if (ext === ".geojson" || ext === ".json") return readGeoJson(bytes);
  if (ext === ".zip") {
    const files = await unzip(bytes);
    const shp = [...files.keys()].filter((n) => n.toLowerCase().endsWith(".shp"));
    if (shp.length !== 1) throw new RangeFileError(`the .zip must hold exactly one .shp shapefile; it holds ${shp.length}`);
    const dbf = [...files.keys()].find((n) => n.toLowerCase() === shp[0].slice(0, -4).toLowerCase() + ".dbf");
    if (!dbf) throw new RangeFileError(`the .zip has ${shp[0]} but not its .dbf of attributes`);
    const cpg = [...files.keys()].find((n) => n.toLowerCase() === shp[0].slice(0, -4).toLowerCase() + ".cpg");
    return readShapefile(files.get(shp[0])!, files.get(dbf)!, cpg ? files.get(cpg) : undefined);
  }
  if (ext === ".shp") throw new RangeFileError("upload a shapefile as a .zip holding its .shp and .dbf");
  throw new RangeFileError(`${name}: expected a .geojson, .json, .shp or .zip file`);
}

export function readGeoJson(bytes: Uint8Array): RangeFeature[] {
  if (bytes.byteLength > MAX_GEOJSON_BYTES) throw new RangeFileError(`the GeoJSON is larger than ${MAX_GEOJSON_BYTES / 1024 / 1024} MB`);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (err) {
    throw new RangeFileError(`the file is not JSON: ${(err as Error).message}`);
  }
  const collection = data as { type?: unknown; features?: unknown };
  if (typeof data !== "object" || data === null || collection.type !== "FeatureCollection" || !Array.isArray(collection.features)) {
    throw new RangeFileError("the GeoJSON must be a FeatureCollection whose features each have the polygon and the fields");
  }
  return collection.features.map((f, i) => {
    const feature = (typeof f === "object" && f !== null ? f : {}) as { properties?: unknown; geometry?: unknown };
    const properties = typeof feature.properties === "object" && feature.properties !== null ? (feature.properties as Record<string, unknown>) : {};
    return { index: i + 1, properties, geometry: feature.geometry ?? null };
  });
}

/**
 * The .cpg beside a .dbf names its text encoding (ESRI's convention; "UTF-8" from most tools today);
 * without one the package reads dBase's usual windows-1252.
 */
function encodingOf(cpg: Uint8Array | undefined): string | undefined {
  const name = cpg ? Buffer.from(cpg).toString("latin1").trim().toLowerCase() : "";
  if (name === "") return undefined;
  if (name === "utf-8" || name === "utf8" || name === "65001") return "utf-8";
  return /^\d+$/.test(name) ? `windows-${name}` : name;
}

async function readShapefile(shp: Uint8Array, dbf: Uint8Array, cpg?: Uint8Array): Promise<RangeFeature[]> {
  const features: RangeFeature[] = [];
  let source;
  try {
    source = await shapefile.open(toArrayBuffer(shp), toArrayBuffer(dbf), { encoding: encodingOf(cpg) });
  } catch (err) {
    throw new RangeFileError(`not a readable shapefile: ${(err as Error).message}`);
  }
  for (;;) {
    let next;
    try {
      next = await source.read();
    } catch (err) {
      throw new RangeFileError(`shapefile record ${features.length + 1} cannot be read: ${(err as Error).message}`);
    }
    if (next.done) break;
    features.push({ index: features.length + 1, properties: next.value.properties ?? {}, geometry: next.value.geometry });
  }
  return features;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The .zip's files by name (folders dropped from the names); only what a shapefile needs is kept. */
function unzip(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(new RangeFileError(`not a readable .zip: ${err?.message ?? "empty"}`));
      const files = new Map<string, Buffer>();
      zip.on("error", (e: Error) => reject(new RangeFileError(`not a readable .zip: ${e.message}`)));
      zip.on("end", () => resolve(files));
      zip.on("entry", (entry: yauzl.Entry) => {
        const name = path.posix.basename(entry.fileName);
        if (entry.fileName.endsWith("/") || !/\.(shp|dbf|cpg)$/i.test(name) || name.startsWith("._")) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(new RangeFileError(`cannot read ${name} in the .zip: ${e?.message}`));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", (se: Error) => reject(new RangeFileError(`cannot read ${name} in the .zip: ${se.message}`)));
          stream.on("end", () => {
            files.set(name, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
