import { describe, expect, it } from "vitest";
import { basisOfRecordCode, BASIS_OF_RECORD, normaliseBasisOfRecord } from "./codes";

describe("normaliseBasisOfRecord", () => {
  it("reads both spellings, and answers a spelling seen before as it did the first time", () => {
    const spellings = ["HUMAN_OBSERVATION", "HumanObservation", "PreservedSpecimen", "human_observation", "Observation", "not a basis", "Human Observation"];
    const first = spellings.map((s) => normaliseBasisOfRecord(s));
    expect(first).toEqual(["HUMAN_OBSERVATION", "HUMAN_OBSERVATION", "PRESERVED_SPECIMEN", "HUMAN_OBSERVATION", "OBSERVATION", "UNKNOWN", "UNKNOWN"]);
    expect(spellings.map((s) => normaliseBasisOfRecord(s))).toEqual(first);
    expect(basisOfRecordCode("HumanObservation")).toBe(BASIS_OF_RECORD.indexOf("HUMAN_OBSERVATION"));
    expect(normaliseBasisOfRecord("")).toBe("UNKNOWN");
    expect(normaliseBasisOfRecord(null)).toBe("UNKNOWN");
  });

  it("stays right past the spellings it remembers", () => {
    for (let i = 0; i < 1500; i++) expect(normaliseBasisOfRecord(`free text ${i}`)).toBe("UNKNOWN");
    expect(normaliseBasisOfRecord("MachineObservation")).toBe("MACHINE_OBSERVATION");
    expect(normaliseBasisOfRecord("MachineObservation")).toBe("MACHINE_OBSERVATION");
  });
});
