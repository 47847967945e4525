import type { Polygon } from "geojson";
import { describe, expect, it } from "vitest";
import { classify, type LiveVetting, type SpeciesRecords } from "./classify";

const KV = 1, AV = 2, AI = 3, KI = 4;

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: "Polygon",
  coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});

function records(points: [lon: number, lat: number, rating: number][]): SpeciesRecords {
  return {
    id: Int32Array.from(points, (_, i) => i + 1),
    lon: Float32Array.from(points, (p) => p[0]),
    lat: Float32Array.from(points, (p) => p[1]),
    rating: Uint8Array.from(points, (p) => p[2]),
  };
}

let nextId = 1;
const vetting = (authorId: string, classification: number, area: Polygon, at: string, id = nextId++): LiveVetting => ({
  id,
  authorId,
  classification,
  area,
  updatedAt: new Date(at),
});

describe("classify", () => {
  const recs = records([
    [1, 1, AV], // inside A only
    [6, 6, AI], // inside A and B
    [20, 20, AI], // outside everything
    [NaN, NaN, AV], // no coordinates
  ]);

  it("leaves uncovered records and records without coordinates at their rating", () => {
    const r = classify(recs, []);
    expect([...r.classification]).toEqual([AV, AI, AI, AV]);
    expect([...r.contentious]).toEqual([0, 0, 0, 0]);
  });

  it("gives covered records the most recent covering vetting's classification", () => {
    const older = vetting("alice", KV, box(0, 0, 10, 10), "2025-01-01T00:00:00Z");
    const newer = vetting("alice", KI, box(5, 5, 15, 15), "2025-02-01T00:00:00Z");
    // Order of the input must not matter.
    for (const list of [[older, newer], [newer, older]]) {
      const r = classify(recs, list);
      expect([...r.classification]).toEqual([KV, KI, AI, AV]);
    }
    const updatedLater = { ...older, updatedAt: new Date("2025-03-01T00:00:00Z") };
    expect([...classify(recs, [updatedLater, newer]).classification]).toEqual([KV, KV, AI, AV]);
  });

  it("breaks updatedAt ties by the higher id", () => {
    const t = "2025-01-01T00:00:00Z";
    const r = classify(recs, [vetting("a", KI, box(0, 0, 10, 10), t, 50), vetting("a", KV, box(0, 0, 10, 10), t, 51)]);
    expect(r.classification[0]).toBe(KV);
    const r2 = classify(recs, [vetting("a", KI, box(0, 0, 10, 10), t, 53), vetting("a", KV, box(0, 0, 10, 10), t, 52)]);
    expect(r2.classification[0]).toBe(KI);
  });

  it("flags records where different authors disagree as contentious", () => {
    const r = classify(recs, [
      vetting("alice", KV, box(0, 0, 10, 10), "2025-01-01T00:00:00Z"),
      vetting("bob", KI, box(5, 5, 15, 15), "2025-02-01T00:00:00Z"),
    ]);
    expect([...r.classification]).toEqual([KV, KI, AI, AV]);
    expect([...r.contentious]).toEqual([0, 1, 0, 0]);
  });

  it("does not flag one author changing their mind", () => {
    const r = classify(recs, [
      vetting("alice", KV, box(0, 0, 10, 10), "2025-01-01T00:00:00Z"),
      vetting("alice", KI, box(5, 5, 15, 15), "2025-02-01T00:00:00Z"),
    ]);
    expect([...r.contentious]).toEqual([0, 0, 0, 0]);
  });

  it("does not flag authors who agree", () => {
    const r = classify(recs, [
      vetting("alice", KI, box(0, 0, 10, 10), "2025-01-01T00:00:00Z"),
      vetting("bob", KI, box(5, 5, 15, 15), "2025-02-01T00:00:00Z"),
    ]);
    expect([...r.classification]).toEqual([KI, KI, AI, AV]);
    expect([...r.contentious]).toEqual([0, 0, 0, 0]);
  });

  it("finds a disagreement hidden behind one author's own change of mind", () => {
    // alice KV, bob KV, then alice KI: bob's KV and alice's KI disagree.
    const area = box(0, 0, 10, 10);
    const r = classify(recs, [
      vetting("alice", KV, area, "2025-01-01T00:00:00Z"),
      vetting("bob", KV, area, "2025-01-02T00:00:00Z"),
      vetting("alice", KI, area, "2025-01-03T00:00:00Z"),
    ]);
    expect(r.classification[0]).toBe(KI);
    expect(r.contentious[0]).toBe(1);
  });
});
