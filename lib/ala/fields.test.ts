import { describe, expect, it } from "vitest";
import { alaFields, fqEquals, fqNotEquals, fqRange } from "./fields";

describe("alaFields", () => {
  it("defaults to the current names", () => {
    const f = alaFields();
    expect(f.style).toBe("current");
    expect(f.speciesId).toBe("speciesID");
    expect(f.lastLoadDate).toBe("lastLoadDate");
    expect(f.spatiallyValid).toBe("spatiallyValid");
    expect(f.birdFilter).toBe("class:Aves");
    expect(f.sortById).toBe("id");
  });

  it("has the legacy names", () => {
    const f = alaFields("legacy");
    expect(f.speciesId).toBe("species_guid");
    expect(f.lastLoadDate).toBe("last_load_date");
    expect(f.firstLoadedDate).toBe("first_loaded_date");
    expect(f.basisOfRecord).toBe("basis_of_record");
    expect(f.spatiallyValid).toBe("geospatial_kosher");
    expect(f.duplicateStatus).toBe("duplicate_status");
    expect(f.birdFilter).toBe("class:Aves");
  });
});

describe("fq builders", () => {
  it("leaves plain values bare and quotes the rest", () => {
    expect(fqEquals("class", "Aves")).toBe("class:Aves");
    expect(fqEquals("speciesID", "https://biodiversity.org.au/afd/taxa/23f4"))
      .toBe('speciesID:"https://biodiversity.org.au/afd/taxa/23f4"');
    expect(fqEquals("scientificName", 'a "b" \\ c')).toBe('scientificName:"a \\"b\\" \\\\ c"');
    expect(fqEquals("x", "a OR b:*")).toBe('x:"a OR b:*"');
    expect(fqNotEquals("spatiallyValid", false)).toBe("-spatiallyValid:false");
  });

  it("builds ranges with Solr dates and open ends", () => {
    expect(fqRange("lastLoadDate", new Date("2024-01-01T00:00:00.123Z"), null)).toBe("lastLoadDate:[2024-01-01T00:00:00Z TO *]");
    expect(fqRange("year", undefined, 1700)).toBe("year:[* TO 1700]");
  });

  it("refuses field names that would inject syntax", () => {
    expect(() => fqEquals("a:b", "c")).toThrow();
    expect(() => fqRange("x y", 1, 2)).toThrow();
    expect(() => fqRange("d", new Date("nope"), null)).toThrow();
  });
});
