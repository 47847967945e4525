/** maxnet's addsamplestobackground, and equal rows merged for the fit. */
import { describe, expect, it } from "vitest";
import { trainingRows } from "./training-rows";

describe("trainingRows", () => {
  it("adds presences missing from the background once each, and merges equal rows with their weights", () => {
    const a = [1, 2];
    const b = [3, 4];
    const c = [5, 6];
    const { columns, n, distinct } = trainingRows([a, a, b], [b, c], 2);
    // Presences a, a, b; background b, c; then a, added once (b is already background).
    expect(n).toBe(6);
    expect([...columns[0]]).toEqual([1, 1, 3, 3, 5, 1]);
    expect([...columns[1]]).toEqual([2, 2, 4, 4, 6, 2]);
    // Distinct rows a, b, c: weights 1 + 1 + 100, 1 + 100, 100; response = presences' share of the weight.
    expect([...distinct.columns[0]]).toEqual([1, 3, 5]);
    expect([...distinct.weights]).toEqual([102, 101, 100]);
    expect([...distinct.presences]).toEqual([2, 1, 0]);
    expect([...distinct.y]).toEqual([2 / 102, 1 / 101, 0]);
    expect(distinct.sumWeights).toBe(303);
  });
});
