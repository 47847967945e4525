import Delaunator from "delaunator";
import { describe, expect, it } from "vitest";
import { meshFor, type MeshedPoints } from "./kept-meshes";
import { pointsOf, positionTable, projectPoints, type PositionTable } from "./points";

function scatteredTable(n: number, seed: number): PositionTable {
  let s = seed;
  const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return positionTable(Array.from({ length: n }, () => 145 + 4 * random()), Array.from({ length: n }, () => -20 + 3 * random()));
}

const ids = (table: PositionTable, keep: (i: number) => boolean) => Int32Array.from({ length: table.xy.length / 2 }, (_, i) => i).filter(keep);

/** As the hull thread asks (for one of a species' variants, when given). */
function ask(table: PositionTable, keep: (i: number) => boolean, variant?: string): MeshedPoints {
  return meshFor(pointsOf(table, ids(table, keep), variant))!;
}

/** Its triangles as corner coordinates, comparable with a new triangulation's. */
function shape(m: MeshedPoints): string[] {
  const { xy } = m.points;
  const t = m.mesh.triangles;
  return Array.from({ length: t.length / 3 }, (_, k) => [0, 1, 2].map((j) => `${xy[2 * t[3 * k + j]]},${xy[2 * t[3 * k + j] + 1]}`).sort().join(" ")).sort();
}
const freshShape = (m: MeshedPoints) => {
  const live: number[] = [];
  for (let v = 0; v < m.points.weight.length; v++) if (m.points.weight[v] > 0) live.push(m.points.xy[2 * v], m.points.xy[2 * v + 1]);
  const d = new Delaunator(Float64Array.from(live));
  const xy = Float64Array.from(live);
  return Array.from({ length: d.triangles.length / 3 }, (_, k) => [0, 1, 2].map((j) => `${xy[2 * d.triangles[3 * k + j]]},${xy[2 * d.triangles[3 * k + j] + 1]}`).sort().join(" ")).sort();
};

describe("the hull thread's kept triangulations", () => {
  it("change a kept triangulation of the same table by the positions taken out and put back, to a new triangulation's triangles", () => {
    const table = scatteredTable(5000, 3);
    expect(ask(table, (i) => i % 50 !== 7).changed).toBeUndefined();
    // A vetting takes an area out…
    const out = ask(table, (i) => i % 50 !== 7 && !(table.lonLat[2 * i] > 146 && table.lonLat[2 * i] < 146.1));
    expect(out.changed).toBe(true);
    expect(shape(out)).toEqual(freshShape(out));
    // …and a later one puts it back, with the contentious few.
    const back = ask(table, () => true);
    expect(back.changed).toBe(true);
    expect(shape(back)).toEqual(freshShape(back));
    expect(back.points.weight.reduce((a, b) => a + b, 0)).toBe(5000);
    // Each position where `placed` says it went.
    const again = pointsOf(table, ids(table, () => true));
    const m = meshFor(again)!;
    for (let i = 0; i < 5000; i += 97) expect([m.points.xy[2 * m.placed[i]], m.points.xy[2 * m.placed[i] + 1], m.points.weight[m.placed[i]]]).toEqual([again.xy[2 * i], again.xy[2 * i + 1], again.weight[i]]);
  });

  it("triangulate anew for another table, too large a change, points of no table, and once removed points pile up", () => {
    const table = scatteredTable(4000, 5);
    ask(table, () => true);
    expect(ask(scatteredTable(4000, 6), () => true).changed).toBeUndefined();
    ask(table, () => true);
    // More than 5 % differ.
    expect(ask(table, (i) => i % 10 !== 0).changed).toBeUndefined();
    // projectPoints' points come from a table made for them alone: never kept, never changed.
    const once = projectPoints(Array.from({ length: 100 }, (_, i) => 145 + (i % 10) * 0.1 + i * 1e-4), Array.from({ length: 100 }, (_, i) => -20 + Math.floor(i / 10) * 0.1));
    expect(once.source).toBeUndefined();
    expect(meshFor(once)!.changed).toBeUndefined();
    // Changes of 2 % each: removed points stay as corners of nothing, and past a tenth of them the next is new.
    ask(table, () => true);
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => ask(table, (i) => i % 50 >= k).changed);
    expect(steps.slice(0, 4)).toEqual([true, true, true, true]);
    expect(steps).toContain(undefined);
  });
  it("change each variant's own triangulation in place, and a copy of the other variant's for a variant it has none of", () => {
    const table = scatteredTable(6000, 9);
    // 3 % of the positions hold contentious records only; each vetting takes another strip out.
    const contentious = (i: number) => i % 33 === 4;
    const vetted = (k: number) => (i: number) => table.lonLat[2 * i] > 145 + 0.1 * k && table.lonLat[2 * i] < 145.05 + 0.1 * k;
    const outSoFar = (k: number) => (i: number) => [...Array(k).keys()].some((j) => vetted(j + 1)(i));
    const first = ask(table, (i) => !contentious(i), "default");
    expect(first.changed).toBeUndefined();
    const slots = first.points.xy.length / 2;
    // The contentious variant's first build: the default one's triangulation changed, as a copy.
    const withContentious = ask(table, () => true, "with contentious");
    expect(withContentious.changed).toBe(true);
    expect(shape(withContentious)).toEqual(freshShape(withContentious));
    for (let k = 1; k <= 4; k++) {
      const d = ask(table, (i) => !contentious(i) && !outSoFar(k)(i), "default");
      expect(d.changed).toBe(true);
      const built = shape(d);
      expect(built).toEqual(freshShape(d));
      const w = ask(table, (i) => !outSoFar(k)(i), "with contentious");
      expect(w.changed).toBe(true);
      expect(shape(w)).toEqual(freshShape(w));
      // The contentious variant's build leaves the default one's triangulation as it was.
      expect(shape(d)).toEqual(built);
      // Its own triangulation, changed in place: no point slots for the contentious positions gathered
      // (changed from the other variant's, it would have 3 % more each time, and be made anew soon).
      expect(d.points.xy.length / 2).toBe(slots);
    }
  });
});
