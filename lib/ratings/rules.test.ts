import { describe, expect, it } from "vitest";
import { normaliseBasisOfRecord } from "@/lib/domain/codes";
import { toMask } from "@/lib/ala/assertions";
import { createRules, isRelevant, rate, type RatingRow } from "./rules";

const good: RatingRow = {
  lat: -27.5, lon: 153, uncertaintyM: 30, assertions: toMask(["COORDINATE_ROUNDED", "firstOfMonth"]),
  spatiallyValid: true, year: 2015, userFlagged: false, basisOfRecord: "HUMAN_OBSERVATION",
};

describe("rate", () => {
  it("rates a clean record assumed valid", () => {
    expect(rate(good)).toEqual({ rating: "assumed_valid", firedRules: [] });
    expect(rate({ ...good, uncertaintyM: null, year: null, spatiallyValid: null })).toEqual({ rating: "assumed_valid", firedRules: [] });
  });

  it.each<[string, Partial<RatingRow>]>([
    ["fatalAssertion", { assertions: toMask(["ZERO_COORDINATE"]) }],
    ["fatalAssertion", { assertions: toMask(["presumedSwappedCoordinates"]) }],
    ["errorAssertion", { assertions: toMask(["COORDINATES_CENTRE_OF_STATEPROVINCE"]) }],
    ["errorAssertion", { assertions: toMask(["habitatMismatch"]) }],
    ["errorAssertion", { assertions: toMask(["TAXON_MATCH_NONE"]) }],
    ["spatiallyInvalid", { spatiallyValid: false }],
    ["missingCoordinates", { lat: null, lon: null }],
    ["uncertaintyTooLarge", { uncertaintyM: 10_001 }],
    ["tooOld", { year: 1850 }],
    ["userFlagged", { userFlagged: true }],
  ])("%s fires", (rule, change) => {
    expect(rate({ ...good, ...change })).toEqual({ rating: "assumed_invalid", firedRules: [rule] });
  });

  it("keeps boundaries inclusive of the valid side", () => {
    expect(rate({ ...good, uncertaintyM: 10_000 }).rating).toBe("assumed_valid");
    expect(rate({ ...good, year: 1900 }).rating).toBe("assumed_valid");
  });

  it("lists every rule that fired", () => {
    expect(rate({ ...good, lat: null, lon: null, assertions: toMask(["ZERO_COORDINATE"]) }).firedRules).toEqual(["fatalAssertion", "missingCoordinates"]);
  });

  it("is configurable", () => {
    const rules = createRules({
      disabled: ["userFlagged"], maxUncertaintyM: 2000, minYear: 1700,
      invalidAssertions: ["SPECIES_OUTSIDE_EXPERT_RANGE"], ignoredAssertions: ["habitatMismatch"],
    });
    expect(rate({ ...good, userFlagged: true }, rules).rating).toBe("assumed_valid");
    expect(rate({ ...good, uncertaintyM: 2001 }, rules).firedRules).toEqual(["uncertaintyTooLarge"]);
    expect(rate({ ...good, year: 1850 }, rules).rating).toBe("assumed_valid");
    expect(rate({ ...good, assertions: toMask(["speciesOutsideExpertRange"]) }, rules).firedRules).toEqual(["errorAssertion"]);
    expect(rate({ ...good, assertions: toMask(["HABITAT_MISMATCH"]) }, rules).rating).toBe("assumed_valid");
  });

  it("refuses configuration it does not understand", () => {
    expect(() => createRules({ disabled: ["noSuchRule"] })).toThrow(/noSuchRule/);
    expect(() => createRules({ invalidAssertions: ["NOT_A_CODE"] })).toThrow(/NOT_A_CODE/);
    expect(() => createRules({ minYaer: 1 } as never)).toThrow();
  });

  it("describes every rule", () => {
    for (const r of createRules()) expect(r.description.length).toBeGreaterThan(10);
  });
});

describe("isRelevant", () => {
  it.each(["HUMAN_OBSERVATION", "MachineObservation", "OBSERVATION", "Occurrence", undefined])("%s is relevant", (b) => {
    expect(isRelevant({ basisOfRecord: normaliseBasisOfRecord(b) })).toEqual({ relevant: true });
  });

  it.each(["PRESERVED_SPECIMEN", "PreservedSpecimen", "FossilSpecimen", "LIVING_SPECIMEN", "MaterialSample", "MATERIAL_CITATION"])(
    "%s is skipped for its basis of record",
    (b) => {
      expect(isRelevant({ basisOfRecord: normaliseBasisOfRecord(b) })).toEqual({ relevant: false, reason: "basisOfRecord" });
    },
  );
});
