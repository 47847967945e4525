import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { facetsSchema, flattenFullRecord, fullRecordSchema, parseRecord, parseSearchPage, rowReader } from "./schemas";

const fixture = JSON.parse(fs.readFileSync("/work/shared/fixtures/ala/occurrences-search.example.json", "utf8"));

describe("parseSearchPage", () => {
  it("parses the recorded ALA answer", () => {
    const page = parseSearchPage(fixture);
    expect(page).toMatchObject({ totalRecords: 106861, pageSize: 1, startIndex: 0, received: 1, invalid: [] });
    const r = page.records[0];
    expect(r.uuid).toBe("9240eb81-714f-46ef-a3eb-2a06ad77d751");
    expect(r.month).toBe(6);
    expect(r.eventDate).toBe(1528872650000);
    expect(r.speciesGuid).toBe("https://biodiversity.org.au/afd/taxa/23f4784e-1116-482c-8e3e-b6b12733f588");
    expect(r.assertions).toContain("COORDINATE_ROUNDED");
    expect(r.spatiallyValid).toBe(true);
    expect(r.geospatialKosher).toBe(true);
  });

  it("sets bad records aside without failing the page", () => {
    const page = parseSearchPage({
      totalRecords: 4, pageSize: 10, startIndex: 0, status: "OK",
      occurrences: [
        { uuid: "0b7e2c4a-1111-4222-8333-944455556666", decimalLatitude: "-27.5", decimalLongitude: "abc", month: "06", year: "2001" },
        { scientificName: "no uuid" },
        "not an object",
        { uuid: 12 },
      ],
    });
    expect(page.records).toHaveLength(1);
    expect(page.records[0]).toMatchObject({ decimalLatitude: -27.5, decimalLongitude: undefined, month: 6, year: 2001 });
    expect(page.invalid.map((i) => i.index)).toEqual([1, 2, 3]);
    expect(page.invalid[0].reason).toMatch(/uuid/);
    expect(page.received).toBe(4);
  });

  it("rejects a broken envelope", () => {
    expect(() => parseSearchPage({ occurrences: [] })).toThrow();
    expect(() => parseSearchPage({ totalRecords: 1, pageSize: 1, startIndex: 0, status: "ERROR" })).toThrow();
    expect(() => parseSearchPage([])).toThrow();
  });

  it("accepts ISO dates, single-string lists and string booleans", () => {
    const p = parseRecord({ uuid: "x", eventDate: "2019-03-04T00:00:00Z", assertions: "ZERO_COORDINATE", spatiallyValid: "false", lastLoadDate: "1700000000000" });
    expect(p.ok && p.record).toMatchObject({ eventDate: "2019-03-04T00:00:00Z", assertions: ["ZERO_COORDINATE"], spatiallyValid: false, lastLoadDate: 1700000000000 });
  });
});

describe("other answers", () => {
  it("parses facets", () => {
    const f = facetsSchema.parse([{ fieldName: "speciesID", count: 2, fieldResult: [{ label: "urn:lsid:x", count: 3, fq: "speciesID:\"urn:lsid:x\"" }, { label: null, count: 1 }] }]);
    expect(f[0].fieldResult.map((r) => r.label)).toEqual(["urn:lsid:x", ""]);
  });

  it("flattens a full record like a search result", () => {
    const full = fullRecordSchema.parse({
      raw: { uuid: "U", occurrence: { basisOfRecord: "HumanObservation" }, location: { decimalLatitude: "-20" } },
      processed: {
        occurrence: { basisOfRecord: "HUMAN_OBSERVATION" },
        classification: { speciesID: "urn:lsid:s", scientificName: "Aus bus" },
        location: { decimalLatitude: "-20.5", decimalLongitude: "140.25" },
        event: { eventDate: "2020-01-02" },
      },
      systemAssertions: { failed: [{ name: "habitatMismatch", code: 19 }], warning: [{ name: "firstOfMonth" }], passed: [] },
    });
    const r = parseRecord(flattenFullRecord(full));
    expect(r.ok && r.record).toMatchObject({
      uuid: "U", speciesGuid: "urn:lsid:s", decimalLatitude: -20.5, decimalLongitude: 140.25,
      basisOfRecord: "HUMAN_OBSERVATION", raw_basisOfRecord: "HumanObservation", eventDate: "2020-01-02",
      assertions: ["habitatMismatch", "firstOfMonth"],
    });
  });
});

describe("rowReader", () => {
  const columns = [
    { index: 2, key: "uuid", multi: false },
    { index: 0, key: "decimalLatitude", multi: false },
    { index: 1, key: "assertions", multi: true },
    { index: 3, key: "scientificName", multi: false },
    { index: 4, key: "images", multi: true },
    { index: 5, key: "spatiallyValid", multi: false },
  ];
  const read = rowReader(columns);

  it("reads a row into the record parseRecord makes of the same values, empty cells left unset", () => {
    const row = ["-35.5", "ZERO_COORDINATE | COUNTRY_MISMATCH", "00000000-0000-4000-8000-000000000001", "Dacelo novaeguineae", "", "true"];
    const byRow = read(row);
    const byObject = parseRecord({
      uuid: row[2],
      decimalLatitude: "-35.5",
      assertions: ["ZERO_COORDINATE", "COUNTRY_MISMATCH"],
      scientificName: "Dacelo novaeguineae",
      spatiallyValid: "true",
    });
    expect(byRow).toEqual(byObject);
    expect(byRow.ok && byRow.record).toMatchObject({ decimalLatitude: -35.5, assertions: ["ZERO_COORDINATE", "COUNTRY_MISMATCH"], images: [], spatiallyValid: true, decimalLongitude: undefined });
    // Same fields in the same order: one hidden class for both paths.
    expect(byRow.ok && Object.keys(byRow.record)).toEqual(byObject.ok && Object.keys(byObject.record));
  });

  it("refuses a row without its id, and columns that name no record field", () => {
    expect(read(["1", "", "", "", "", ""])).toEqual({ ok: false, reason: "uuid: missing uuid" });
    expect(() => rowReader([{ index: 0, key: "uuid", multi: false }, { index: 1, key: "constructor", multi: false }])).toThrow(/no record field constructor/);
    expect(() => rowReader([{ index: 0, key: "species", multi: false }])).toThrow(/must include the record id/);
  });
});
