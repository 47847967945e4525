import { describe, expect, it } from "vitest";
import { eoo } from "./eoo";
import { pointsOf, positionTable } from "./points";

/** A seeded shuffle (mulberry32), so a failure names the order that broke it. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("a species' position table", () => {
  // Records scattered over a continent, some pairs within 1e-5° of each other (one position).
  const records: [number, number][] = [];
  for (let i = 0; i < 4_000; i++) {
    const lon = 113 + (i % 64) * 0.6 + ((i * 37) % 100) / 1_000;
    const lat = -44 + Math.floor(i / 64) * 0.5 + ((i * 53) % 100) / 1_000;
    records.push([lon, lat]);
    if (i % 5 === 0) records.push([lon + 3e-6, lat - 2e-6]);
  }

  const products = (order: [number, number][]) => {
    const table = positionTable(
      order.map(([lon]) => lon),
      order.map(([, lat]) => lat),
    );
    const kept = [];
    for (let g = 0; g < table.lonLat.length / 2; g++) kept.push(`${table.lonLat[2 * g]},${table.lonLat[2 * g + 1]}`);
    const extent = eoo(pointsOf(table, table.of));
    return { centre: table.projection.centre, kept: kept.sort(), km2: extent.computable ? extent.km2 : NaN };
  };

  it("is the same, to the bit, whichever order the records come in", () => {
    const first = products(records);
    expect(first.kept).toHaveLength(4_000);
    expect(first.km2).toBeGreaterThan(1e6);
    for (const seed of [1, 2, 3, 4, 5]) expect(products(shuffled(records, seed))).toEqual(first);
  });

  it("keeps each position at its westernmost record's coordinates", () => {
    const [lon, lat] = records[0];
    expect(products(records).kept).toContain(`${lon},${lat}`);
    expect(products([[lon + 3e-6, lat - 2e-6], [lon, lat + 1e-6], [lon, lat]]).kept).toEqual([`${lon},${lat}`]);
  });
});
