import { afterAll, describe, expect, it, vi } from "vitest";
import { HULL_THREAD_IDLE_MS, hullsInThread, hullsOf, stopHullThread, THREAD_FROM_POSITIONS } from "./hulls";
import { outline } from "./test-outline";
import { pointsOf, positionTable, projectPoints, type ProjectedPoints } from "./points";

/** Scattered positions over a patch of Queensland, every tenth one a repeat. */
function scatteredPositions(n: number, seed: number): { lon: Float64Array; lat: Float64Array } {
  let s = seed;
  const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lon[i] = i % 10 === 9 ? lon[i - 1] : 145 + 4 * random();
    lat[i] = i % 10 === 9 ? lat[i - 1] : -20 + 3 * random() ** 2;
  }
  return { lon, lat };
}

function scattered(n: number, seed: number): ProjectedPoints {
  const { lon, lat } = scatteredPositions(n, seed);
  return projectPoints(lon, lat);
}

/**
 * A species' position table (records.ts keeps one per records version), and two variants of it:
 * the first every position but a few hundred (contentious, say), the second those put in and a
 * vetted area taken out.
 */
function twoVariants(seed: number): { n: number; first: ProjectedPoints; second: ProjectedPoints } {
  const { lon, lat } = scatteredPositions(THREAD_FROM_POSITIONS * 1.6, seed);
  const table = positionTable(lon, lat);
  const n = table.xy.length / 2;
  const [x0, y0] = [146, -19.5];
  const inVetted = (i: number) => table.lonLat[2 * i] > x0 && table.lonLat[2 * i] < x0 + 0.3 && table.lonLat[2 * i + 1] > y0 && table.lonLat[2 * i + 1] < y0 + 0.5;
  const ids = (keep: (i: number) => boolean) => Int32Array.from({ length: n }, (_, i) => i).filter(keep);
  return { n, first: pointsOf(table, ids((i) => i % 97 !== 5)), second: pointsOf(table, ids((i) => !inVetted(i))) };
}

afterAll(() => stopHullThread());

describe("hullsInThread", () => {
  it("gives the same hulls to the bit as hullsOf here, for positions many enough to go to the thread", async () => {
    const points = scattered(THREAD_FROM_POSITIONS * 1.5, 7);
    expect(points.xy.length / 2).toBeGreaterThanOrEqual(THREAD_FROM_POSITIONS);
    const here = hullsOf(points, 2);
    const [there, again] = await Promise.all([hullsInThread(points, 2), hullsInThread(points, 2)]);
    expect(here.hull.polygons.length).toBeGreaterThan(1);
    expect(here.extent.computable).toBe(true);
    expect(there).toEqual(here);
    // Points of no species' table (projectPoints) are triangulated anew each time.
    expect(again).toEqual(here);
  });

  it("changes its last triangulation for positions that differ by a few, and gives the hulls of a new one", async () => {
    const { n, first, second } = twoVariants(13);
    expect(n - first.xy.length / 2).toBeGreaterThan(200);
    expect(n - second.xy.length / 2).toBeGreaterThan(200);
    expect((await hullsInThread(first, 2)).reusedMesh).toBeUndefined();
    const changed = await hullsInThread(second, 2);
    expect(changed.reusedMesh).toBe(true);
    const made = hullsOf(second, 2);
    expect(changed.extent).toEqual(made.extent);
    expect({ ...changed.hull, polygons: outline(changed.hull.polygons) }).toEqual({ ...made.hull, polygons: outline(made.hull.polygons) });
    // Another table (another species or records version): a new triangulation.
    expect((await hullsInThread(scattered(THREAD_FROM_POSITIONS * 1.5, 19), 2)).reusedMesh).toBeUndefined();
  });

  it("ends after five idle minutes, giving back the triangulations it kept; work restarts the clock", async () => {
    await stopHullThread();
    // Only the thread's idle clock is faked: its messages are real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { first, second } = twoVariants(17);
      expect((await hullsInThread(first, 2)).reusedMesh).toBeUndefined();
      vi.advanceTimersByTime(HULL_THREAD_IDLE_MS - 1000);
      // Still there: the second variant is the first's triangulation changed.
      expect((await hullsInThread(second, 2)).reusedMesh).toBe(true);
      vi.advanceTimersByTime(HULL_THREAD_IDLE_MS - 1000);
      expect((await hullsInThread(first, 2)).reusedMesh).toBe(true);
      vi.advanceTimersByTime(HULL_THREAD_IDLE_MS);
      // A new thread, which keeps nothing yet.
      expect((await hullsInThread(second, 2)).reusedMesh).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it("fails a build waiting on a thread that is stopped, with a clear error, and starts a new thread for the next", async () => {
    const points = scattered(THREAD_FROM_POSITIONS * 2, 11);
    const waiting = hullsInThread(points, 2);
    await stopHullThread();
    await expect(waiting).rejects.toThrow(/the hull thread exited .* before answering/);
    expect(await hullsInThread(points, 2)).toEqual(hullsOf(points, 2));
  });
});
