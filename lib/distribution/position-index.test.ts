import { describe, expect, it } from "vitest";
import { PositionIndex } from "./position-index";

describe("PositionIndex", () => {
  it("numbers distinct positions in the order they first come, those within a metre as one", () => {
    const index = new PositionIndex(8);
    expect(index.add(150.1, -33.2)).toBe(0);
    expect(index.add(150.100004, -33.200004)).toBe(0);
    expect(index.add(150.2, -33.2)).toBe(1);
    // Positions the ALA flags as out of range (an expert may vet one valid) key the same way each time.
    expect(index.add(112.5, -109.85)).toBe(2);
    expect(index.add(112.5, -109.85)).toBe(2);
    expect(index.add(-190, 95)).toBe(3);
    expect(index.add(-190, 95)).toBe(3);
    expect(index.size).toBe(4);
  });
});
