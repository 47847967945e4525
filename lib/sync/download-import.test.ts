import fs from "node:fs/promises";
import { Readable } from "node:stream";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { RECORD_COLUMNS } from "@/lib/ala/download-columns";
import { DownloadFileError } from "@/lib/ala/download-zip";
import { corrupted } from "@/lib/simulator/downloads";
import { DatasetIds } from "./datasets";
import { importDownload } from "./download-import";
import type { Prepared, SkipCounts } from "./prepare";
import { SpeciesIds } from "./species";
import { Writer } from "./writer";

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:known', 'Knownus knownus')");
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-thread-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await db.drop();
});

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const HEADINGS = RECORD_COLUMNS.map((c) => c.current);

/** One data.csv row with these values (the rest empty), every field quoted as opencsv writes it. */
function row(values: Record<string, string>): string {
  return HEADINGS.map((h) => `"${(values[h] ?? "").replace(/"/g, '""')}"`).join(",");
}

async function zipFile(name: string, entries: Record<string, string>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [entry, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), entry);
  zip.end();
  const file = path.join(dir, name);
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as unknown as AsyncIterable<Buffer>) chunks.push(c);
  await fs.writeFile(file, Buffer.concat(chunks));
  return file;
}

async function importFile(file: string) {
  const read = { received: 0, skipped: {} as SkipCounts, malformed: [] as Prepared["malformed"] };
  const writer = new Writer(db.pool, { onCommitted: () => undefined });
  const species = await SpeciesIds.load(db.pool);
  const spooled = await importDownload(file, RECORD_COLUMNS, {
    writer,
    species,
    datasets: new DatasetIds(db.pool),
    onBatch: (b) => {
      read.received += b.received;
      for (const [k, v] of Object.entries(b.skipped)) read.skipped[k] = (read.skipped[k] ?? 0) + v;
      read.malformed.push(...b.malformed);
    },
  });
  await spooled.write();
  await writer.flush();
  return read;
}

const base = { species: "Knownus knownus", basisOfRecord: "HUMAN_OBSERVATION", eventDate: "2021-03-04", year: "2021", dataResourceUid: "dr1", dataResourceName: "Birds <b>&</b> more" };

describe("importDownload (the download thread)", () => {
  it("stores a zip's records once each, the last copy of a repeated record winning, with species and datasets first seen created", async () => {
    const csv = [
      HEADINGS.join(","),
      row({ ...base, id: uuid(1), speciesID: "urn:known", decimalLatitude: "-30", decimalLongitude: "150" }),
      row({ ...base, id: uuid(2), speciesID: "urn:new", scientificName: "Novus avis", decimalLatitude: "-31", decimalLongitude: "151", sensitive: "generalised" }),
      row({ ...base, id: uuid(1), speciesID: "urn:known", decimalLatitude: "-35.5", decimalLongitude: "149" }),
      row({ ...base, id: uuid(3), speciesID: "urn:known", basisOfRecord: "PRESERVED_SPECIMEN" }),
      row({ ...base, id: "not-a-uuid", speciesID: "urn:known" }),
    ].join("\n");
    const read = await importFile(await zipFile("good.zip", { "data.csv": csv + "\n" }));

    expect(read).toEqual({ received: 5, skipped: { basisOfRecord: 1, invalidUuid: 1 }, malformed: [{ guid: "urn:known", id: "not-a-uuid" }] });
    const { rows } = await db.pool.query<{ source_id: string; guid: string; lat: number; sensitive: boolean; dataset: string }>(
      `SELECT o.source_id, s.guid, o.lat, o.sensitive, d.name AS dataset FROM occurrences o JOIN species s ON s.id = o.species_id
       JOIN datasets d ON d.id = o.dataset_id ORDER BY o.source_id`,
    );
    expect(rows).toEqual([
      { source_id: uuid(1), guid: "urn:known", lat: -35.5, sensitive: false, dataset: "Birds <b>&</b> more" },
      { source_id: uuid(2), guid: "urn:new", lat: -31, sensitive: true, dataset: "Birds <b>&</b> more" },
    ]);
    const { rows: created } = await db.pool.query("SELECT scientific_name FROM species WHERE guid = 'urn:new'");
    expect(created).toEqual([{ scientific_name: "Novus avis" }]);
  });

  it("refuses a zip without its data file or a needed column, storing nothing, and reads the next one after it", async () => {
    await db.pool.query("DELETE FROM occurrences");
    await expect(importFile(await zipFile("empty.zip", { "citation.csv": "x\n" }))).rejects.toBeInstanceOf(DownloadFileError);
    const lacking = HEADINGS.filter((h) => h !== "decimalLatitude");
    await expect(importFile(await zipFile("lacking.zip", { "data.csv": `${lacking.join(",")}\n${lacking.map(() => '""').join(",")}\n` }))).rejects.toThrow(/lacks the column\(s\) decimalLatitude/);
    const damaged = await fs.readFile(await zipFile("whole.zip", { "data.csv": `${HEADINGS.join(",")}\n${row({ ...base, id: uuid(9), speciesID: "urn:known" })}\n` }));
    await fs.writeFile(path.join(dir, "cut.zip"), damaged.subarray(0, damaged.length - 30));
    await expect(importFile(path.join(dir, "cut.zip"))).rejects.toBeInstanceOf(DownloadFileError);
    expect((await db.pool.query("SELECT 1 FROM occurrences")).rowCount).toBe(0);

    const read = await importFile(path.join(dir, "whole.zip"));
    expect(read.received).toBe(1);
    expect((await db.pool.query("SELECT source_id FROM occurrences")).rows).toEqual([{ source_id: uuid(9) }]);
  });

  it("reads a zip once, telling how far it has read: its rows wait in a spool until written, and a CRC error found at the end of a long read stores none of them", async () => {
    await db.pool.query("DELETE FROM occurrences");
    // Past one batch of 20 000 rows, so that rows are spooled before the check fails.
    const rows = Array.from({ length: 25_000 }, (_, i) => row({ ...base, id: uuid(100 + i), speciesID: "urn:known", decimalLatitude: "-30", decimalLongitude: "150" }));
    const good = await zipFile("many.zip", { "data.csv": `${HEADINGS.join(",")}\n${rows.join("\n")}\n` });
    const bad = path.join(dir, "many-crc.zip");
    const stream = corrupted(Readable.from([await fs.readFile(good)]), "crc", "data.csv");
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    await fs.writeFile(bad, Buffer.concat(chunks));

    await expect(importFile(bad)).rejects.toThrow(/data\.csv in the download fails its CRC check/);
    expect((await db.pool.query("SELECT 1 FROM occurrences")).rowCount).toBe(0);
    await expect(fs.stat(`${bad}.copy`)).rejects.toMatchObject({ code: "ENOENT" });

    const writer = new Writer(db.pool, { onCommitted: () => undefined });
    let received = 0;
    const read: number[] = [];
    const spooled = await importDownload(good, RECORD_COLUMNS, {
      writer,
      species: await SpeciesIds.load(db.pool),
      datasets: new DatasetIds(db.pool),
      onBatch: (b) => void (received += b.received),
      onRead: (n) => read.push(n),
    });
    expect((await fs.stat(`${good}.copy`)).size).toBeGreaterThan(0);
    expect((await db.pool.query("SELECT 1 FROM occurrences")).rowCount).toBe(0);
    expect(received).toBe(0);
    // The read is told batch by batch while the zip is read, before it checks out.
    expect(read).toEqual([20_000, 25_000]);
    await spooled.write();
    expect(received).toBe(25_000);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows).toEqual([{ n: 25_000 }]);
    await expect(fs.stat(`${good}.copy`)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
