// Writes small ESRI shapefiles (polygon .shp and its .dbf) for the range import tests, by the
// ESRI Shapefile Technical Description (1998): big-endian file code and lengths, little-endian rest;
// outer rings clockwise, holes counter-clockwise. dBase III attributes, all character fields.
import yazl from "yazl";

type Ring = [number, number][];

export interface ShapeRecord {
  /** Rings in shapefile winding. */
  rings: Ring[];
  attributes: Record<string, string>;
}

function shp(records: ShapeRecord[]): Buffer {
  const contents = records.map(({ rings }) => {
    const points = rings.flat();
    const b = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    b.writeInt32LE(5, 0);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) => b.writeDoubleLE(v, 4 + 8 * i));
    b.writeInt32LE(rings.length, 36);
    b.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, i) => {
      b.writeInt32LE(start, 44 + 4 * i);
      start += ring.length;
    });
    points.forEach(([x, y], i) => {
      b.writeDoubleLE(x, 44 + 4 * rings.length + 16 * i);
      b.writeDoubleLE(y, 44 + 4 * rings.length + 16 * i + 8);
    });
    return b;
  });
  const header = Buffer.alloc(100);
  const length = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE(length / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(5, 32);
  const all = records.flatMap((r) => r.rings.flat());
  [Math.min(...all.map((p) => p[0])), Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[0])), Math.max(...all.map((p) => p[1]))].forEach((v, i) =>
    header.writeDoubleLE(v, 36 + 8 * i),
  );
  const parts = [header];
  contents.forEach((c, i) => {
    const rh = Buffer.alloc(8);
    rh.writeInt32BE(i + 1, 0);
    rh.writeInt32BE(c.length / 2, 4);
    parts.push(rh, c);
  });
  return Buffer.concat(parts);
}

function dbf(records: ShapeRecord[], encoding: "latin1" | "utf8"): Buffer {
  const fields = [...new Set(records.flatMap((r) => Object.keys(r.attributes)))];
  const widths = fields.map((f) => Math.max(1, ...records.map((r) => Buffer.byteLength(r.attributes[f] ?? "", encoding))));
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + widths.reduce((a, b) => a + b, 0);
  const b = Buffer.alloc(headerLength + recordLength * records.length + 1, 0x20);
  b.fill(0, 0, headerLength);
  b.writeUInt8(0x03, 0);
  b.writeUInt8(126, 1);
  b.writeUInt8(12, 2);
  b.writeUInt8(5, 3);
  b.writeUInt32LE(records.length, 4);
  b.writeUInt16LE(headerLength, 8);
  b.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    b.write(f.slice(0, 10), at, "latin1");
    b.write("C", at + 11, "latin1");
    b.writeUInt8(widths[i], at + 16);
  });
  b.writeUInt8(0x0d, headerLength - 1);
  records.forEach((r, n) => {
    let at = headerLength + n * recordLength + 1;
    fields.forEach((f, i) => {
      b.write(r.attributes[f] ?? "", at, encoding);
      at += widths[i];
    });
  });
  b.writeUInt8(0x1a, b.length - 1);
  return b;
}

/** Attributes in windows-1252 (latin1 here) as dBase has them, or in UTF-8 with a .cpg saying so. */
export function shapefile(records: ShapeRecord[], encoding: "latin1" | "utf8" = "latin1"): { shp: Buffer; dbf: Buffer; cpg?: Buffer } {
  return { shp: shp(records), dbf: dbf(records, encoding), ...(encoding === "utf8" ? { cpg: Buffer.from("UTF-8\n") } : {}) };
}

/** The shapefile zipped as range maps are handed out (in a folder, as they often are). */
export function zippedShapefile(records: ShapeRecord[], name = "ranges", encoding: "latin1" | "utf8" = "latin1"): Promise<Buffer> {
  const { shp: s, dbf: d, cpg } = shapefile(records, encoding);
  const zip = new yazl.ZipFile();
  zip.addBuffer(s, `${name}/${name}.shp`);
  zip.addBuffer(d, `${name}/${name}.dbf`);
  if (cpg) zip.addBuffer(cpg, `${name}/${name}.cpg`);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/** A clockwise (outer, in shapefile winding) square ring. */
export const clockwiseSquare = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x0, y1],
  [x1, y1],
  [x1, y0],
  [x0, y0],
];
