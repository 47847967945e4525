import { describe, expect, it } from "vitest";
import { binomialKey, nameKey } from "./names";

describe("nameKey", () => {
  it.each([
    ["Corvus coronoides", "corvus coronoides"],
    ["Corvus coronoides Vigors & Horsfield, 1827", "corvus coronoides"],
    ["Acanthiza (Geobasileus) chrysorrhoa (Quoy & Gaimard, 1830)", "acanthiza chrysorrhoa"],
    ["Gymnorhina tibicen tyrannica Schodde & Mason, 1999", "gymnorhina tibicen tyrannica"],
    ["Gymnorhina tibicen subsp. hypoleuca", "gymnorhina tibicen hypoleuca"],
    ["  Dacelo   novaeguineae  (Hermann, 1783) ", "dacelo novaeguineae"],
    ["Aves", "aves"],
  ])("%s → %s", (name, key) => expect(nameKey(name)).toBe(key));

  it("refuses what is not a scientific name", () => {
    expect(nameKey("")).toBeNull();
    expect(nameKey("magpie")).toBeNull();
    expect(nameKey("123 abc")).toBeNull();
  });

  it("gives the binomial of a trinomial only", () => {
    expect(binomialKey("gymnorhina tibicen tyrannica")).toBe("gymnorhina tibicen");
    expect(binomialKey("gymnorhina tibicen")).toBeNull();
  });
});
