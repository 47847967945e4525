import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRecords, insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { float4AsText } from "./float4";
import { countedRecords, PositionedParser } from "./records";

/** A binary COPY of rows (public lon, lat; accurate lon, lat or null; id; rating), as PostgreSQL writes it. */
function copyStream(rows: [number, number, number | null, number | null, number, number][]): Buffer {
  const parts: Buffer[] = [Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])];
  for (const [lon, lat, aLon, aLat, id, rating] of rows) {
    const row = Buffer.alloc(2 + 8 + 8 + (aLon === null ? 4 : 12) + (aLat === null ? 4 : 12) + 8 + 6);
    let p = row.writeInt16BE(6, 0);
    for (const f of [lon, lat]) p = row.writeFloatBE(f, row.writeInt32BE(4, p));
    for (const f of [aLon, aLat]) p = f === null ? row.writeInt32BE(-1, p) : row.writeDoubleBE(f, row.writeInt32BE(8, p));
    p = row.writeInt32BE(id, row.writeInt32BE(4, p));
    row.writeInt16BE(rating, row.writeInt32BE(2, p));
    parts.push(row);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const ROWS: [number, number, number | null, number | null, number, number][] = [
  [145.3, -17.1, 145.31234, -17.05678, 7, 2],
  [146.5, -18.25, null, null, 8, 1],
  [147.1, -19.9, null, null, 2_000_000_000, 4],
  [120, -30, 120.00001, -30.00002, 9, 3],
];

function parse(chunks: Buffer[]) {
  const parser = new PositionedParser();
  for (const c of chunks) parser.push(c);
  const r = parser.end();
  return { length: r.length, ...Object.fromEntries((["lon", "lat", "publicLon", "publicLat", "accurate", "ids", "rating"] as const).map((k) => [k, [...r[k].subarray(0, r.length)]])) };
}

describe("the positioned records' binary COPY", () => {
  it("is parsed the same however its chunks are cut, the accurate coordinate taken where held", () => {
    const whole = copyStream(ROWS);
    const expected = parse([whole]);
    expect(expected).toMatchObject({
      length: 4,
      publicLon: ROWS.map((r) => float4AsText(Math.fround(r[0]))),
      lon: [145.31234, float4AsText(Math.fround(146.5)), float4AsText(Math.fround(147.1)), 120.00001],
      accurate: [1, 0, 0, 1],
      ids: [7, 8, 2_000_000_000, 9],
      rating: [2, 1, 4, 3],
    });
    for (let cut = 1; cut < whole.length; cut++) expect(parse([whole.subarray(0, cut), whole.subarray(cut)])).toEqual(expected);
    expect(parse([...whole].map((b) => Buffer.from([b])))).toEqual(expected);
    // Nothing after the trailer is read, and the arrays keep no spare room.
    expect(parse([whole, Buffer.from([0, 6, 1, 2, 3])])).toEqual(expected);
    const parser = new PositionedParser();
    parser.push(whole);
    expect(parser.end().lon).toHaveLength(4);
  });

  it("refuses a stream that is not a binary COPY, or ends before its trailer", () => {
    expect(() => parse([Buffer.from("lon,lat\n145,-17\n")])).toThrow(/not a binary COPY stream/);
    const whole = copyStream(ROWS);
    expect(() => parse([whole.subarray(0, whole.length - 2)])).toThrow(/ended before its trailer/);
    expect(() => parse([whole.subarray(0, 30)])).toThrow(/ended before its trailer/);
  });
});

describe("countedRecords over many COPY chunks", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("reads every record a text query reads, with the accurate coordinates of sensitive ones", async () => {
    const sp = await insertSpecies(db.pool, "Copius chunkii");
    // About 800 kB of COPY: many chunks of the connection's reads.
    const points = Array.from({ length: 20_000 }, (_, i) => ({ lon: 140 + (i % 97) * 0.013, lat: -30 + Math.floor(i / 97) * 0.011, rating: 1 + (i % 2) }));
    const ids = await insertRecords(db.pool, sp, points);
    const secret = ids.filter((_, i) => i % 1500 === 0);
    await db.pool.query("UPDATE occurrences SET sensitive = true WHERE id = ANY($1)", [secret]);
    await db.pool.query("INSERT INTO sensitive_coordinates (occurrence_id, lat, lon) SELECT id, lat - 0.01234567, lon + 0.01234567 FROM occurrences WHERE id = ANY($1)", [secret]);
    const records = await countedRecords(db.pool, sp, { includeContentious: false, excludedQualifiers: [] });
    // Reals as text give the doubles the build uses (float4.ts); a coalesce with the accurate doubles would widen them.
    const { rows } = await db.pool.query<{ id: number; alon: number | null; alat: number | null; plon: number; plat: number }>(
      `SELECT o.id, sc.lon AS alon, sc.lat AS alat, o.lon AS plon, o.lat AS plat
         FROM occurrences o LEFT JOIN sensitive_coordinates sc ON sc.occurrence_id = o.id WHERE o.species_id = $1`,
      [sp],
    );
    expect(records.lon.length).toBe(20_000);
    expect(rows.filter((r) => r.alon !== null)).toHaveLength(secret.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (let i = 0; i < records.lon.length; i++) {
      const r = byId.get(records.ids![i])!;
      expect([records.lon[i], records.lat[i], records.publicLon[i], records.publicLat[i], records.accurate[i]]).toEqual([r.alon ?? r.plon, r.alat ?? r.plat, r.plon, r.plat, r.alon === null ? 0 : 1]);
    }
  });
});
