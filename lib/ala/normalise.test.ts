import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fromMask } from "./assertions";
import { normaliseRecord, normaliseEventDate, normaliseSpeciesGuid, type ImportRow } from "./normalise";
import { parseRecord, parseSearchPage } from "./schemas";

const fixture = JSON.parse(fs.readFileSync("/work/shared/fixtures/ala/occurrences-search.example.json", "utf8"));
const UUID = "0B7E2C4A-1111-4222-8333-944455556666";

function row(input: Record<string, unknown>): ImportRow {
  const parsed = parseRecord({ uuid: UUID, speciesGuid: "urn:lsid:biodiversity.org.au:afd.taxon:abc", ...input });
  if (!parsed.ok) throw new Error(parsed.reason);
  const result = normaliseRecord(parsed.record);
  if (!result.ok) throw new Error(result.detail);
  return result.row;
}

describe("normaliseRecord", () => {
  it("normalises the recorded ALA answer", () => {
    const result = normaliseRecord(parseSearchPage(fixture).records[0]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const r = result.row;
    expect(r).toMatchObject({
      sourceId: "9240eb81-714f-46ef-a3eb-2a06ad77d751",
      speciesGuid: "https://biodiversity.org.au/afd/taxa/23f4784e-1116-482c-8e3e-b6b12733f588",
      scientificName: "Macropus giganteus",
      commonName: "Eastern Grey Kangaroo",
      lat: -31.291167,
      lon: 149.044991,
      eventDate: "2018-06-13",
      year: 2018,
      basisOfRecord: "HUMAN_OBSERVATION",
      uncertaintyM: null,
      sensitive: false,
      duplicateStatus: 0,
      dataset: { uid: "dr364", name: "Test - Atlas Species sightings and OzAtlas - Update Testing", providerName: "Citizen Science - ALA Website", license: "CC-BY-NC 3.0 (Au)" },
      image: { imageId: "4dbde5eb-5c2c-4304-aff1-5d756345e449" },
      userFlagged: false,
      spatiallyValid: true,
      sourceLoadedAt: null,
      accurate: null,
    });
    expect(fromMask(r.assertions)).toEqual(expect.arrayContaining(["coordinateRounded", "missingTaxonRank", "coordinateUncertaintyInvalid"]));
    expect(fromMask(r.assertions)).not.toContain("other");
  });

  it("rejects records whose uuid is not a UUID, with the reason", () => {
    const parsed = parseRecord({ uuid: "not-a-uuid", speciesGuid: "x" });
    expect(parsed.ok && normaliseRecord(parsed.record)).toMatchObject({ ok: false, reason: "invalidUuid" });
    const noSpecies = parseRecord({ uuid: UUID });
    expect(noSpecies.ok && normaliseRecord(noSpecies.record)).toMatchObject({ ok: false, reason: "missingSpeciesId" });
  });

  it("lower-cases the uuid and keeps the species id as given, trimmed", () => {
    const r = row({ speciesGuid: "  urn:lsid:biodiversity.org.au:afd.taxon:abc " });
    expect(r.sourceId).toBe(UUID.toLowerCase());
    expect(r.speciesGuid).toBe("urn:lsid:biodiversity.org.au:afd.taxon:abc");
    expect(normaliseSpeciesGuid("   ")).toBeNull();
  });

  it("nulls missing, out-of-range and 0,0 coordinates, recording why", () => {
    expect(row({})).toMatchObject({ lat: null, lon: null, assertions: 0n });
    const out = row({ decimalLatitude: 95, decimalLongitude: 140 });
    expect(out).toMatchObject({ lat: null, lon: null });
    expect(fromMask(out.assertions)).toEqual(["coordinatesOutOfRange"]);
    expect(row({ decimalLatitude: -20, decimalLongitude: -181 }).lat).toBeNull();
    const zero = row({ decimalLatitude: "0", decimalLongitude: 0 });
    expect(zero).toMatchObject({ lat: null, lon: null });
    expect(fromMask(zero.assertions)).toEqual(["zeroCoordinates"]);
    expect(row({ decimalLatitude: "-27.5", decimalLongitude: "153.0" })).toMatchObject({ lat: -27.5, lon: 153 });
    expect(row({ decimalLatitude: -27.5 })).toMatchObject({ lat: null, lon: null });
  });

  it("keeps HTML as capped, trimmed text", () => {
    const r = row({ vernacularName: "  <script>alert(1)</script>\u0000 ", dataResourceUid: "dr1", dataResourceName: "x".repeat(2000) });
    expect(r.commonName).toBe("<script>alert(1)</script>");
    expect(r.dataset?.name).toHaveLength(500);
  });

  it("reads string numbers, dates in both forms and the load date", () => {
    const r = row({ year: "1999", coordinateUncertaintyInMeters: "250", eventDate: "1999-12-31T23:00:00+10:00", lastLoadDate: "2024-05-01T10:00:00Z" });
    expect(r).toMatchObject({ year: 1999, uncertaintyM: 250, eventDate: "1999-12-31" });
    expect(r.sourceLoadedAt?.toISOString()).toBe("2024-05-01T10:00:00.000Z");
    expect(row({ eventDate: 1528872650000 }).year).toBe(2018);
    expect(row({ dateLastModified: 1700000000000 }).sourceLoadedAt?.getTime()).toBe(1700000000000);
    expect(row({ coordinateUncertaintyInMeters: -5 }).uncertaintyM).toBeNull();
    expect(normaliseEventDate("2019-02-30")).toBeNull();
    expect(normaliseEventDate("2019-02-29")).toBeNull();
    expect(normaliseEventDate("2020-02-29")).toBe("2020-02-29");
    expect(normaliseEventDate("1900-02-29")).toBeNull();
    expect(normaliseEventDate("2000-02-29")).toBe("2000-02-29");
    expect(normaliseEventDate("2019-13-01")).toBeNull();
    expect(normaliseEventDate("0000-01-01")).toBeNull();
    expect(normaliseEventDate("2019-04-31")).toBeNull();
    expect(normaliseEventDate("garbage")).toBeNull();
  });

  it("falls back to the verbatim basis of record", () => {
    expect(row({ raw_basisOfRecord: "PreservedSpecimen" }).basisOfRecord).toBe("PRESERVED_SPECIMEN");
    expect(row({ basisOfRecord: "MachineObservation" }).basisOfRecord).toBe("MACHINE_OBSERVATION");
  });

  it("reads sensitive, duplicate status, user flags and images", () => {
    expect(row({ sensitive: "generalised" }).sensitive).toBe(true);
    expect(row({ sensitive: "alreadyGeneralised" }).sensitive).toBe(true);
    expect(row({ sensitive: "notSensitive" }).sensitive).toBe(false);
    expect(row({ duplicateStatus: "D" }).duplicateStatus).toBe(3);
    expect(row({ duplicate_status: "REPRESENTATIVE" }).duplicateStatus).toBe(2);
    expect(row({ userAssertions: "50001" }).userFlagged).toBe(true);
    expect(row({ user_assertions: ["true"] }).userFlagged).toBe(true);
    expect(row({ user_assertions: "false" }).userFlagged).toBe(false);
    expect(row({ images: ["a", "b"] }).image).toEqual({ imageId: "a" });
    expect(row({ geospatialKosher: "false" }).spatiallyValid).toBe(false);
  });

  it("takes accurate coordinates only through the hook", () => {
    const parsed = parseRecord({ uuid: UUID, speciesGuid: "s", decimalLatitude: -20, decimalLongitude: 140 });
    if (!parsed.ok) throw new Error(parsed.reason);
    const result = normaliseRecord(parsed.record, { accurateCoordinates: () => ({ lat: -20.123, lon: 140.456 }) });
    expect(result.ok && result.row.accurate).toEqual({ lat: -20.123, lon: 140.456 });
  });
});
