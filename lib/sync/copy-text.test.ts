import { describe, expect, it } from "vitest";
import { CopyText, copyTextOf } from "./copy-text";
import { stagedRow } from "./test-support";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("CopyText", () => {
  it("writes a row as one line of COPY text: tab-separated, \\N for null, integers and doubles as PostgreSQL reads them", () => {
    expect(decode(copyTextOf([stagedRow()]))).toBe(
      "00000000-0000-4000-8000-000000000001\t12\t\\N\t-35.123456\t149\t\\N\t2019-03-21\t2019\t1\t0\tf\t0\t1\t\\N\t\\N\t\\N\t\\N\t\\N\n",
    );
  });

  it("writes every field: negative and zero integers, masks past 2^53, instants, accurate positions, the occurrence key", () => {
    const r = stagedRow({
      speciesId: 0,
      datasetId: 1_234_567_890,
      lat: -0.000001,
      lon: 1e21,
      uncertaintyM: 250.5,
      eventDate: null,
      year: null,
      basisOfRecord: 10,
      assertions: (1n << 62n) | 5n,
      sensitive: true,
      duplicateStatus: 2,
      rating: -1,
      sourceLoadedAt: new Date("2024-05-01T12:34:56.789Z"),
      imageId: "abc",
      accurate: { lat: -33.8688, lon: 151.2093 },
      occurrenceKey: "obs-1",
    });
    expect(decode(copyTextOf([r]))).toBe(
      `00000000-0000-4000-8000-000000000001\t0\t1234567890\t-0.000001\t1e+21\t250.5\t\\N\t\\N\t10\t${(1n << 62n) | 5n}\tt\t2\t-1\t2024-05-01T12:34:56.789Z\tabc\t-33.8688\t151.2093\tobs-1\n`,
    );
  });

  it("writes doubles as the decimal String() gives (its value wherever String() uses an exponent)", () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const values = [0.1, -0.5, 0.0000001, -0.0000001, 1e-8, 99999999.5, 1e8 + 0.5, 0.1 + 0.2, Number.MIN_VALUE, -1.7976931348623157e308];
    for (let i = 0; i < 30_000; i++) {
      const places = i % 9; // up to 8 decimals: past 7 the shortest text comes from String()
      values.push(Math.round((random() * 360 - 180) * 10 ** places) / 10 ** places, (random() - 0.5) * 10 ** ((i % 24) - 12));
    }
    const lats = decode(copyTextOf(values.map((lat) => stagedRow({ lat }))))
      .split("\n")
      .slice(0, -1)
      .map((line) => line.split("\t")[3]);
    lats.forEach((text, i) => {
      const v = values[i];
      expect(Number(text) === v, `${v} written as ${text}`).toBe(true); // -0 as 0, as String() does
      if (!String(v).includes("e")) expect(text).toBe(String(v));
    });
  });

  it("writes instants as toISOString does, past and future, leap days and years beyond 0–9999 included", () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const times = [0, -1, 1, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(1900, 2, 1), Date.UTC(2100, 1, 28, 12)];
    times.push(Date.parse("0000-01-01T00:00:00.000Z"), Date.parse("9999-12-31T23:59:59.999Z"), Date.parse("+010000-01-01T00:00:00.000Z"), Date.parse("-000001-12-31T23:59:59.999Z"));
    for (let i = 0; i < 20_000; i++) times.push(Math.round((random() - 0.5) * 2 * 8.64e15 * (i % 2 ? 1 : 1e-3)));
    const texts = decode(copyTextOf(times.map((t) => stagedRow({ sourceLoadedAt: new Date(t) }))))
      .split("\n")
      .slice(0, -1)
      .map((line) => line.split("\t")[13]);
    expect(texts).toEqual(times.map((t) => new Date(t).toISOString()));
  });

  it("escapes backslash, tab, line feed and carriage return in text, and writes other characters as UTF-8", () => {
    const text = decode(copyTextOf([stagedRow({ imageId: "a\\b\tc\nd\re", occurrenceKey: "Ōtautahi ✓ 🐦" })]));
    expect(text.split("\t")[14]).toBe("a\\\\b\\tc\\nd\\re");
    expect(text.split("\t")[17]).toBe("Ōtautahi ✓ 🐦\n");
  });

  it("grows its buffer for long lines and many rows, keeping what it holds", () => {
    const text = new CopyText(16);
    const long = "x".repeat(10_000) + "é".repeat(5_000);
    const rows = Array.from({ length: 300 }, (_, i) => stagedRow({ speciesId: i, occurrenceKey: i % 100 === 0 ? long : null }));
    for (const r of rows) text.line(r);
    const lines = decode(text.bytes()).split("\n");
    expect(lines).toHaveLength(301);
    expect(lines.map((l) => Number(l.split("\t")[1])).slice(0, 300)).toEqual(rows.map((r) => r.speciesId));
    expect(lines[100].split("\t")[17]).toBe(long);
    text.reset();
    expect(text.bytes()).toHaveLength(0);
  });
});
