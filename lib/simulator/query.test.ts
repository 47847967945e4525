import { describe, expect, it } from "vitest";
import { parseQuery, QueryError } from "./query";

/** The parse tree without the field definitions, for readable expectations. */
const tree = (q: string) => JSON.parse(JSON.stringify(parseQuery(q), (k, v) => (k === "field" ? undefined : v)));

describe("Solr query parsing", () => {
  it("reads the forms the sync and the quality filters use", () => {
    expect(tree("*:*")).toEqual({ type: "all" });
    expect(tree("")).toEqual({ type: "all" });
    expect(tree("class:Aves")).toEqual({ type: "term", name: "class", value: "Aves", prefix: false });
    expect(tree('species_guid:"https://biodiversity.org.au/afd/taxa/x"')).toMatchObject({ type: "term", value: "https://biodiversity.org.au/afd/taxa/x" });
    expect(tree('-assertions:"PRESUMED_SWAPPED_COORDINATE"')).toMatchObject({ type: "not", node: { type: "term", value: "PRESUMED_SWAPPED_COORDINATE" } });
    expect(tree("lastLoadDate:[2024-01-01T00:00:00Z TO *]")).toEqual({ type: "range", name: "lastLoadDate", lo: "2024-01-01T00:00:00Z", hi: null, loInclusive: true, hiInclusive: true });
    expect(tree("year:{* TO 1700]")).toMatchObject({ lo: null, hi: "1700", loInclusive: false, hiInclusive: true });
    expect(tree("-(establishment_means:MANAGED OR establishment_means:CAPTIVE)")).toMatchObject({ type: "not", node: { type: "or" } });
    expect(tree("basisOfRecord:(A OR B)")).toMatchObject({ type: "or", nodes: [{ value: "A" }, { value: "B" }] });
    expect(tree("class:Aves year:2000")).toMatchObject({ type: "and" });
    expect(tree("class:Aves AND NOT year:2000")).toMatchObject({ type: "and", nodes: [{}, { type: "not" }] });
    expect(tree("scientificName:Mac*")).toMatchObject({ value: "Mac", prefix: true });
    expect(tree("sensitive:*")).toMatchObject({ type: "exists" });
    expect(tree("Kangaroo")).toEqual({ type: "text", value: "Kangaroo" });
    expect(tree("scientificName:Dacelo\\ novaeguineae")).toMatchObject({ value: "Dacelo novaeguineae" });
  });

  it("rejects what Solr rejects", () => {
    for (const bad of ["unknownField:1", "species_guid:https://x/y", 'year:"2000', "year:[1 TO", "(class:Aves", "year:[1 2]"]) {
      expect(() => parseQuery(bad), bad).toThrow(QueryError);
    }
  });
});
