import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { ID_COLUMNS, RECORD_COLUMNS } from "./download-columns";
import { DownloadFileError, readDownload, type RecordBatch } from "./download-zip";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-zip-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

/** A zip of these entries, written to a file; `zip` names the file. */
async function zipFile(name: string, entries: Record<string, string>, compress = true): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [entry, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), entry, { compress });
  zip.end();
  const file = path.join(dir, name);
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as unknown as AsyncIterable<Buffer>) chunks.push(c);
  await fs.writeFile(file, Buffer.concat(chunks));
  return file;
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

async function readAll(file: string, columns = ID_COLUMNS): Promise<RecordBatch> {
  const all: RecordBatch = { records: [], invalid: [], received: 0 };
  for await (const b of readDownload(file, { columns })) {
    all.records.push(...b.records);
    all.invalid.push(...b.invalid);
    all.received += b.received;
  }
  return all;
}

describe("readDownload", () => {
  it("keeps characters whose bytes straddle two read chunks whole", async () => {
    // Names of two- and three-byte characters over some megabytes: chunk boundaries fall inside characters.
    const name = (i: number) => `Team Ōtautahi ✓ ${"é".repeat(20 + (i % 7))}${"✓".repeat(10)}`;
    const rows = Array.from({ length: 20_000 }, (_, i) => `${uuid(i)},urn:sp,"${name(i)}"`);
    const file = await zipFile("utf8.zip", { "data.csv": `recordID,speciesID,vernacularName\n${rows.join("\n")}\n` });
    const { records, invalid } = await readAll(file, [...ID_COLUMNS, RECORD_COLUMNS.find((c) => c.key === "vernacularName")!]);
    expect(invalid).toEqual([]);
    expect(records).toHaveLength(20_000);
    expect(records.filter((r, i) => r.vernacularName !== name(i))).toEqual([]);
  });

  it("reads data.csv then data_part2.csv, by heading, with quoted newlines and ' | ' lists", async () => {
    const file = await zipFile("parts.zip", {
      "citation.csv": "UID\n",
      "data_part2.csv": `speciesID,recordID,assertions\nurn:b,${uuid(2)},\n`,
      "data.csv": `speciesID,recordID,assertions\nurn:a,${uuid(1)},"A | B"\n"urn:a","${uuid(3)}","C\nD"\n`,
    });
    const { records } = await readAll(file, [...ID_COLUMNS, RECORD_COLUMNS.find((c) => c.key === "assertions")!]);
    expect(records.map((r) => [r.uuid, r.speciesID, r.assertions])).toEqual([
      [uuid(1), "urn:a", ["A", "B"]],
      [uuid(3), "urn:a", ["C\nD"]],
      [uuid(2), "urn:b", []],
    ]);
  });

  it("sets aside rows of the wrong width, naming the line", async () => {
    const file = await zipFile("width.zip", { "data.csv": `recordID,speciesID\n${uuid(1)},urn:a\n${uuid(2)},urn:a,extra\n` });
    const { records, invalid, received } = await readAll(file);
    expect(records).toHaveLength(1);
    expect(received).toBe(2);
    expect(invalid).toEqual([{ index: 3, uuid: uuid(2), reason: "row 3 has 3 fields where the heading has 2" }]);
  });

  it("sets aside a row with text after a closing quote (which opencsv never writes), and reads on", async () => {
    // The field runs on to the next closing quote, over the line break: two rows come out as one of the right width.
    const data = `recordID,speciesID\n${uuid(1)},"urn:a"x\n${uuid(2)},"urn:b"\n${uuid(3)},urn:c\n`;
    const { records, invalid, received } = await readAll(await zipFile("quote.zip", { "data.csv": data }));
    expect(records.map((r) => [r.uuid, r.speciesID])).toEqual([[uuid(3), "urn:c"]]);
    expect(received).toBe(2);
    expect(invalid).toEqual([{ index: 2, uuid: uuid(1), reason: "row 2 has text after a field's closing quote: the row, and maybe the next, cannot be read" }]);
  });

  it("refuses a zip that is cut short, has no data file, lacks a needed column, is empty, or has a quote that never closes", async () => {
    const whole = await fs.readFile(await zipFile("whole.zip", { "data.csv": `recordID,speciesID\n${uuid(1)},urn:a\n` }));
    const cut = path.join(dir, "cut.zip");
    await fs.writeFile(cut, whole.subarray(0, whole.length - 30));
    const cases: [string, RegExp][] = [
      [cut, /not a readable zip/],
      [await zipFile("none.zip", { "citation.csv": "UID\n" }), /holds no data\.csv \(it has citation\.csv\)/],
      [await zipFile("cols.zip", { "data.csv": `recordID\n${uuid(1)}\n` }), /lacks the column\(s\) speciesID/],
      [await zipFile("empty.zip", { "data.csv": "" }), /is empty/],
      [await zipFile("open.zip", { "data.csv": `recordID,speciesID\n${uuid(1)},"urn:a` }), /cannot be split into rows: a quoted field opened in row 1/],
      [await zipFile("long.zip", { "data.csv": `recordID,speciesID\n${uuid(1)},"urn:a\n${"x,".repeat(600_000)}\n` }), /cannot be split into rows: a row runs past 1048576 characters/],
    ];
    for (const [file, message] of cases) {
      const error = await readAll(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DownloadFileError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("reads a data file stored without compression", async () => {
    const file = await zipFile("stored.zip", { "data.csv": `recordID,speciesID\n${uuid(1)},urn:a\n${uuid(2)},urn:b\n` }, false);
    const { records } = await readAll(file);
    expect(records.map((r) => [r.uuid, r.speciesID])).toEqual([
      [uuid(1), "urn:a"],
      [uuid(2), "urn:b"],
    ]);
  });

  it("refuses, before any row, a data file whose bytes are damaged, whose size is not the one its entry gives, or that is encrypted or compressed another way", async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `${uuid(i)},urn:sp${i % 13}`).join("\n");
    const whole = await fs.readFile(await zipFile("good.zip", { "data.csv": `recordID,speciesID\n${rows}\n` }));
    // The central directory's record of data.csv (signature 0x02014b50); its uncompressed size is at offset 24.
    const central = whole.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const sized = Buffer.from(whole);
    sized.writeUInt32LE(sized.readUInt32LE(central + 24) + 1, central + 24);
    const damaged = Buffer.from(whole);
    // The central directory's general purpose flags (offset 8; bit 0: encrypted) and compression method (offset 10).
    const encrypted = Buffer.from(whole);
    encrypted.writeUInt16LE(encrypted.readUInt16LE(central + 8) | 1, central + 8);
    const bzip2 = Buffer.from(whole);
    bzip2.writeUInt16LE(12, central + 10);
    // Inside the compressed bytes, past the local header (30 bytes and the name).
    for (let i = 200; i < 260; i++) damaged[i] ^= 0x5a;
    for (const [name, bytes, message] of [
      ["sized.zip", sized, /holds \d+ bytes where its zip entry says \d+/],
      ["damaged.zip", damaged, /data\.csv in the download (is damaged|fails its CRC check)/],
      ["encrypted.zip", encrypted, /data\.csv in the download is encrypted/],
      ["bzip2.zip", bzip2, /data\.csv in the download uses an unknown compression method \(12\)/],
    ] as const) {
      const file = path.join(dir, name);
      await fs.writeFile(file, bytes);
      const batches: RecordBatch[] = [];
      const error = await (async () => {
        for await (const b of readDownload(file, { columns: ID_COLUMNS })) batches.push(b);
      })().catch((e: unknown) => e);
      expect(batches).toEqual([]);
      expect(error).toBeInstanceOf(DownloadFileError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
