import { describe, expect, it } from "vitest";
import { safeNextPath } from "./redirect";

describe("safeNextPath", () => {
  it("keeps paths on this site", () => {
    expect(safeNextPath("/vettings")).toBe("/vettings");
    expect(safeNextPath("/species/12?vetting=3#map")).toBe("/species/12?vetting=3#map");
    expect(safeNextPath("/")).toBe("/");
  });

  it("sends everything else home", () => {
    for (const bad of [undefined, null, 42, ["/a"], "", "vettings", "https://evil.example/", "//evil.example/x", "/\\evil.example", "/a\\b", "javascript:alert(1)", "/\u0000x", "/\nx"]) {
      expect(safeNextPath(bad), String(bad)).toBe("/");
    }
  });
});
