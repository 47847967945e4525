import { describe, expect, it } from "vitest";
import { aoo, DEFAULT_AOO } from "./aoo";
import { displayCells } from "./grid";
import { pointsOf, positionTable } from "./points";
import { countGrids, type SharedGrids } from "./variant-grids";

const SETTINGS = { aoo: DEFAULT_AOO, displayCellKm: 10 };
const turn = () => Promise.resolve();

let s = 11;
const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
/** A species' records over about 3° × 2°, many sharing positions, in one table. */
const lon = Array.from({ length: 6000 }, () => 145 + Math.round(random() * 3000) / 1000);
const lat = Array.from({ length: 6000 }, () => -20 - Math.round(random() * 2000) / 1000);
/** Far records, south-west of all others (they move the AOO grid's anchor) and outside the display cells' box. */
lon.push(140, 139.5);
lat.push(-25, -26);
const table = positionTable(lon, lat);

/** The points of some records (by index), as a build sees them. */
const pointsOfRecords = (records: number[]) => pointsOf(table, Int32Array.from(records, (i) => table.of[i]));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const cellSet = (cells: ReturnType<typeof displayCells>["cells"]) => new Set(cells.map((c) => JSON.stringify(c.coordinates)));

async function expectAsCountedAfresh(subset: number[], superset: number[]) {
  const shared: SharedGrids = {};
  await countGrids(pointsOfRecords(subset), SETTINGS, shared, turn);
  const before = shared.base!;
  const points = pointsOfRecords(superset);
  const got = await countGrids(points, SETTINGS, shared, turn);
  expect(got.occupancy).toEqual(aoo(points, DEFAULT_AOO));
  expect(cellSet(got.cells)).toEqual(cellSet(displayCells(points, 10).cells));
  expect(got.cells).toHaveLength(new Set(got.cells).size);
  return { reusedBits: shared.base!.aoo.bits === before.aoo.bits, reusedCells: got.cells.slice(0, before.display.cells.length).every((c, i) => c === before.display.cells[i]) };
}

describe("a variant's grids counted from the variant before it", () => {
  it("adds only what a superset's few more positions occupy: the same AOO at every offset and the same cells", async () => {
    const used = await expectAsCountedAfresh(range(0, 5000), range(0, 5200));
    expect(used).toEqual({ reusedBits: true, reusedCells: true });
    // Nothing added: the same grids.
    expect(await expectAsCountedAfresh(range(0, 5000), range(0, 5000))).toEqual({ reusedBits: true, reusedCells: true });
  });

  it("counts afresh when an added position moves the grid's anchor or leaves the box, or one of the base's is missing", async () => {
    expect((await expectAsCountedAfresh(range(0, 5000), [...range(0, 5000), 6000])).reusedBits).toBe(false);
    expect((await expectAsCountedAfresh(range(0, 5000), [...range(0, 5000), 6001])).reusedBits).toBe(false);
    expect((await expectAsCountedAfresh(range(0, 5000), range(100, 5200))).reusedBits).toBe(false);
  });

  it("counts afresh for a build with other settings", async () => {
    const shared: SharedGrids = {};
    await countGrids(pointsOfRecords(range(0, 3000)), SETTINGS, shared, turn);
    const points = pointsOfRecords(range(0, 3100));
    const coarser = await countGrids(points, { ...SETTINGS, aoo: { ...DEFAULT_AOO, cellKm: 4 } }, shared, turn);
    expect(coarser.occupancy).toEqual(aoo(points, { ...DEFAULT_AOO, cellKm: 4 }));
  });
});
