import { describe, expect, it } from "vitest";
import { thresholdBelow } from "./criteria";

describe("criterion B context", () => {
  it("names the strictest threshold a figure is under, and none above them all", () => {
    expect(thresholdBelow("eoo", 99)?.category).toBe("Critically Endangered");
    expect(thresholdBelow("eoo", 100)?.category).toBe("Endangered");
    expect(thresholdBelow("eoo", 19_999)?.category).toBe("Vulnerable");
    expect(thresholdBelow("eoo", 20_000)).toBeNull();
    expect(thresholdBelow("aoo", 8)?.category).toBe("Critically Endangered");
    expect(thresholdBelow("aoo", 1_996)?.category).toBe("Vulnerable");
    expect(thresholdBelow("aoo", 2_000)).toBeNull();
  });
});
