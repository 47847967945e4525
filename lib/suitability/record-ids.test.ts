import { describe, expect, it } from "vitest";
import { changedShare, decodeIds, encodeIds } from "./record-ids";

describe("stored record ids", () => {
  it("round-trip sorted, including ids past 2^32", () => {
    const ids = [5, 1, 300, 2 ** 33 + 7, 128, 127, 16_384];
    expect(Array.from(decodeIds(encodeIds(ids)))).toEqual([...ids].sort((a, b) => a - b));
    expect(decodeIds(encodeIds([]))).toHaveLength(0);
  });

  it("count records removed and added over the records then", () => {
    const then = decodeIds(encodeIds(Array.from({ length: 100 }, (_, i) => i + 1)));
    expect(changedShare(then, Array.from({ length: 100 }, (_, i) => i + 1))).toBe(0);
    // Two removed, one added: 3 %.
    expect(changedShare(then, [...Array.from({ length: 98 }, (_, i) => i + 1), 1000])).toBeCloseTo(0.03);
    expect(changedShare(new Float64Array(), [1, 2])).toBe(2);
  });
});
