import { copyOut } from "@/lib/db/copy-out";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import type { SpeciesRecords } from "./classify";
import { candidateBatches, CopyParser } from "./records";
import { insertRecords, insertSpecies } from "./test-fixtures";

let db: TestDatabase;
let species: number;
let ids: number[];
let copy: Buffer;

const POINTS = [
  { lon: 1.5, lat: 1.5, rating: 2 },
  { lon: null, lat: null, rating: 3 },
  { lon: 20, lat: -20, rating: 3 },
  { lon: 5, lat: 5, rating: 2 },
];

beforeAll(async () => {
  db = await createTestDatabase();
  species = await insertSpecies(db.pool, "Aus copy");
  ids = await insertRecords(db.pool, species, POINTS);
  const client = await db.pool.connect();
  try {
    const chunks: Buffer[] = [];
    const stream = client.query(copyOut(`COPY (SELECT id, lat, lon, rating FROM occurrences WHERE species_id = ${species} ORDER BY id) TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    copy = Buffer.concat(chunks);
  } finally {
    client.release();
  }
});
afterAll(() => db.drop());

const rows = (batches: SpeciesRecords[]) =>
  batches.flatMap((b) => Array.from(b.id, (id, i) => [id, b.lon[i], b.lat[i], b.rating[i]]));
const expected = () => POINTS.map((p, i) => [ids[i], p.lon ?? NaN, p.lat ?? NaN, p.rating]);

describe("candidateBatches", () => {
  it("streams every record of the species, or those inside the boxes", async () => {
    const client = await db.pool.connect();
    try {
      const all: SpeciesRecords[] = [];
      for await (const batch of candidateBatches(client, species, null)) all.push(batch);
      expect(rows(all).sort((a, b) => a[0] - b[0])).toEqual(expected());
      const boxed: SpeciesRecords[] = [];
      for await (const batch of candidateBatches(client, species, [[0, 0, 2, 2], [4, 4, 6, 6]])) boxed.push(batch);
      expect(rows(boxed).map((r) => r[0]).sort((a, b) => a - b)).toEqual([ids[0], ids[3]]);
      const none: SpeciesRecords[] = [];
      for await (const batch of candidateBatches(client, species, [])) none.push(batch);
      expect(none).toEqual([]);
    } finally {
      client.release();
    }
  });
});

describe("CopyParser", () => {
  it("gives the same rows however the stream is cut into chunks", () => {
    for (let size = 1; size <= copy.length; size++) {
      const parser = new CopyParser();
      const batches: SpeciesRecords[] = [];
      for (let at = 0; at < copy.length; at += size) batches.push(parser.push(copy.subarray(at, at + size)));
      parser.end();
      expect(rows(batches)).toEqual(expected());
    }
  });

  it("refuses a truncated stream, bytes after the trailer and a stream that is not binary COPY", () => {
    const cut = new CopyParser();
    cut.push(copy.subarray(0, copy.length - 3));
    expect(() => cut.end()).toThrow(/truncated/);
    const extra = new CopyParser();
    extra.push(Buffer.concat([copy, Buffer.from([0, 4])]));
    expect(() => extra.end()).toThrow(/after the COPY trailer/);
    expect(() => new CopyParser().push(Buffer.from("id,lat,lon,rating\n1,2,3,4\n"))).toThrow(/not a binary COPY stream/);
  });
});
