import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { CsvError, CsvRows, type CsvRow } from "./csv-rows";

/** Splits `text` fed in the given pieces. */
function rows(pieces: readonly string[], delimiter = ","): CsvRow[] {
  const csv = new CsvRows(delimiter);
  return [...pieces.flatMap((p) => csv.push(p)), ...csv.end()];
}

// What opencsv's CSVWriter writes (every field quoted), with the awkward cases a download holds.
const SAMPLE = [
  `"id","scientificName","assertions","eventDate"`,
  `"a1","Dacelo novaeguineae","ZERO_COORDINATE | COUNTRY_MISMATCH","2019-03-04"`,
  `"a2","He said ""kookaburra""","",""`,
  `"a3","two\nlines, and a comma","x","2020-02-29"`,
  `"a4","Ōtautahi ✓","",""`,
  `a5,unquoted,,`,
].join("\r\n");

describe("CsvRows", () => {
  it("reads quoted fields, doubled quotes, line breaks and commas inside quotes, CRLF and empty cells", () => {
    expect(rows([SAMPLE + "\r\n"])).toEqual([
      ["id", "scientificName", "assertions", "eventDate"],
      ["a1", "Dacelo novaeguineae", "ZERO_COORDINATE | COUNTRY_MISMATCH", "2019-03-04"],
      ["a2", 'He said "kookaburra"', "", ""],
      ["a3", "two\nlines, and a comma", "x", "2020-02-29"],
      ["a4", "Ōtautahi ✓", "", ""],
      ["a5", "unquoted", "", ""],
    ]);
  });

  it("gives the same rows wherever the text is cut into chunks", () => {
    const whole = rows([SAMPLE]);
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      expect(rows([SAMPLE.slice(0, cut), SAMPLE.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    expect(rows([...SAMPLE])).toEqual(whole); // one character at a time
  });

  it("agrees with PapaParse on the same text", () => {
    const papa = Papa.parse<string[]>(SAMPLE, { skipEmptyLines: true }).data;
    expect(rows([SAMPLE])).toEqual(papa);
  });

  it("reads tab-separated files and skips empty lines", () => {
    expect(rows(["a\tb\n\n", "c\t\n"], "\t")).toEqual([
      ["a", "b"],
      ["c", ""],
    ]);
  });

  it("keeps the last row when the text does not end with a line break", () => {
    expect(rows(['"x","y"\n"1","2"'])).toEqual([
      ["x", "y"],
      ["1", "2"],
    ]);
  });

  it("runs a field with text after its closing quote on to the next closing quote, as PapaParse does, and marks its row", () => {
    const split = rows(['"ab"c,d\n"x",y\n', '"1","2"\n']);
    expect(split.map((row) => [...row])).toEqual([
      ['ab"c,d\n"x', "y"],
      ["1", "2"],
    ]);
    expect(split.map((row) => row.badQuote ?? false)).toEqual([true, false]);
  });

  it("refuses a row that runs on past a megabyte (a quote that never closes) before the rest of the file piles up", () => {
    const csv = new CsvRows();
    expect(csv.push('"id","name"\n"a1","')).toEqual([["id", "name"]]);
    const chunk = `${"x".repeat(65_535)}\n`;
    expect(() => {
      for (let i = 0; i < 17; i++) csv.push(chunk);
    }).toThrow(/runs past 1048576 characters/);
  });

  it("refuses a quote left open at the end of the text (a file cut short)", () => {
    const csv = new CsvRows();
    expect(csv.push('"id","name"\n"a1","Dacelo')).toEqual([["id", "name"]]);
    expect(() => csv.end()).toThrow(CsvError);
  });

  it("refuses a delimiter of more than one character", () => {
    expect(() => new CsvRows(",,")).toThrow(/one character/);
  });
});
