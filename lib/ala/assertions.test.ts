import { describe, expect, it } from "vitest";
import { ASSERTIONS, OTHER_ASSERTION, OTHER_BIT, assertionDef, canonicalAssertion, fromMask, toMask } from "./assertions";

describe("assertions", () => {
  it.each([
    ["zeroCoordinates", "ZERO_COORDINATE"],
    ["coordinatesOutOfRange", "COORDINATE_OUT_OF_RANGE"],
    ["presumedSwappedCoordinates", "PRESUMED_SWAPPED_COORDINATE"],
    ["presumedNegatedLatitude", "PRESUMED_NEGATED_LATITUDE"],
    ["coordinatesCentreOfCountry", "COORDINATES_CENTRE_OF_COUNTRY"],
    ["coordinatesCentreOfStateProvince", "COORDINATES_CENTRE_OF_STATEPROVINCE"],
    ["detectedOutlier", "DETECTED_OUTLIER"],
    ["habitatMismatch", "HABITAT_MISMATCH"],
    ["invalidCollectionDate", "INVALID_COLLECTION_DATE"],
    ["unknownCountry", "UNKNOWN_COUNTRY"],
    ["taxonMatchNone", "TAXON_MATCH_NONE"],
    ["invalidScientificName", "INVALID_SCIENTIFIC_NAME"],
  ])("%s and %s are the same bit", (legacy, snake) => {
    expect(toMask([legacy])).toBe(toMask([snake]));
    expect(toMask([legacy])).not.toBe(0n);
    expect(canonicalAssertion(snake)).toBe(legacy);
  });

  it("round-trips masks and collects unknown codes under other", () => {
    const mask = toMask(["ZERO_COORDINATE", "habitatMismatch", "SOMETHING_NEW", ""]);
    expect(fromMask(mask)).toEqual(["zeroCoordinates", "habitatMismatch", OTHER_ASSERTION]);
    expect(toMask([])).toBe(0n);
  });

  it("keeps masks positive signed 64-bit integers with unique bits", () => {
    const all = toMask([...ASSERTIONS.map((a) => a.name), "unknown"]);
    expect(all).toBeLessThan(2n ** 63n);
    expect(all).toBe(ASSERTIONS.reduce((m, a) => m | (1n << BigInt(a.bit)), 1n << BigInt(OTHER_BIT)));
    // "other" alone, and with a code of the high half: bit 62 is not a sign bit.
    expect(toMask(["SOMETHING_NEW"])).toBe(2n ** 62n);
    expect(toMask(["SOMETHING_NEW", "COORDINATE_REPROJECTION_FAILED"])).toBe(2n ** 62n + 2n ** 44n);
    expect(new Set(ASSERTIONS.map((a) => a.bit)).size).toBe(ASSERTIONS.length);
    expect(ASSERTIONS.every((a) => a.bit < OTHER_BIT)).toBe(true);
  });

  it("knows categories and fatal flags", () => {
    expect(assertionDef("ZERO_COORDINATE")).toMatchObject({ category: "error", fatal: true });
    expect(assertionDef("COORDINATE_ROUNDED")).toMatchObject({ category: "comment", fatal: false });
  });

  it("maps every code of the fixture and the ALA profile to a named assertion", () => {
    for (const code of [
      "MISSING_TAXONRANK", "COORDINATE_ROUNDED", "COUNTRY_DERIVED_FROM_COORDINATES", "GEODETIC_DATUM_ASSUMED_WGS84",
      "MISSING_GEODETICDATUM", "COORDINATE_UNCERTAINTY_METERS_INVALID", "MISSING_GEOREFERENCE_DATE",
      "MISSING_GEOREFERENCEDBY", "MISSING_GEOREFERENCEPROTOCOL", "MISSING_GEOREFERENCESOURCES",
      "MISSING_GEOREFERENCEVERIFICATIONSTATUS", "TAXON_HOMONYM", "UNKNOWN_KINGDOM", "TAXON_SCOPE_MISMATCH",
    ]) expect(assertionDef(code), code).toBeDefined();
  });
});
