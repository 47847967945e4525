import { describe, expect, it } from "vitest";
import { parseFilters } from "@/lib/tiles/filters";
import { DEFAULT_VIEW_FILTERS, filterParams, parseViewState, viewQuery, type ViewState } from "./view-state";

const parse = (query: string) => parseViewState(new URLSearchParams(query));

describe("view state in the URL", () => {
  it("round-trips map position and every filter", () => {
    const state: ViewState = {
      filters: { yearFrom: 1990, yearTo: 2020, classifications: ["known_valid", "assumed_invalid"], duplicates: "show", sources: [1, 3] },
      map: { zoom: 6.5, lat: -33.865, lon: 151.209 },
    };
    const query = viewQuery(state);
    expect(query).toBe("map=6.50/-33.8650/151.2090&years=1990-2020&classifications=known_valid,assumed_invalid&duplicates=show&sources=1,3");
    expect(parse(query)).toEqual(state);
  });

  it("writes nothing for the defaults, and reads nothing as the defaults", () => {
    expect(viewQuery({ filters: DEFAULT_VIEW_FILTERS, map: null })).toBe("");
    expect(parse("")).toEqual({ filters: DEFAULT_VIEW_FILTERS, map: null });
  });

  it("keeps one open end of a year range", () => {
    expect(parse("yearFrom=2001").filters).toMatchObject({ yearFrom: 2001, yearTo: null });
    expect(viewQuery({ filters: { ...DEFAULT_VIEW_FILTERS, yearTo: 1999 }, map: null })).toBe("yearTo=1999");
  });

  it("falls back to defaults for hand-edited nonsense instead of failing", () => {
    expect(parse("map=99/0/0&years=2020-1990&classifications=bogus,known_valid&duplicates=maybe")).toEqual({
      filters: { ...DEFAULT_VIEW_FILTERS, classifications: ["known_valid"] },
      map: null,
    });
    expect(parse("map=abc").map).toBeNull();
    expect(parse("map=//").map).toBeNull();
  });

  it("reads a source list leniently: bad ids dropped, an empty list kept (nothing shown)", () => {
    expect(parse("sources=3,x,1,3,-2").filters.sources).toEqual([1, 3]);
    expect(parse("sources=").filters.sources).toEqual([]);
    expect(viewQuery({ filters: { ...DEFAULT_VIEW_FILTERS, sources: [] }, map: null })).toBe("sources=");
  });

  it("an empty category list stays empty (nothing shown)", () => {
    const filters = { ...DEFAULT_VIEW_FILTERS, classifications: [] };
    expect(parse(viewQuery({ filters, map: null })).filters.classifications).toEqual([]);
  });

  it("keeps other features' parameters, replacing only its own", () => {
    const others = new URLSearchParams("vetting=12&map=1/2/3&duplicates=show");
    expect(viewQuery({ filters: DEFAULT_VIEW_FILTERS, map: { zoom: 5, lat: -30, lon: 140 } }, others)).toBe("map=5.00/-30.0000/140.0000&vetting=12");
  });

  it("writes filter parameters the tiles (and so downloads and summaries) read the same way", () => {
    const filters = { yearFrom: 1990, yearTo: 2000, classifications: ["assumed_valid" as const], duplicates: "show" as const, sources: [2] };
    expect(parseFilters(filterParams(filters))).toEqual({ yearFrom: 1990, yearTo: 2000, classifications: [2], duplicates: "show", sources: [2] });
    expect(parseFilters(filterParams(DEFAULT_VIEW_FILTERS))).toEqual(parseFilters(new URLSearchParams()));
  });
});
