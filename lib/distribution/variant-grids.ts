/**
 * A build's grids: the AOO at every offset and the display cells, counted afresh, or from those of
 * the build before it in the same rebuild. The variant with contentious records holds every
 * record of the default one and those contentious records that count (124 more positions than the
 * default's 626 690 for the bench's 1.2 M-record species), so its grids are the default's plus
 * what those few add: the same counts and cells, the added cells last.
 */
import type { Polygon } from "geojson";
import { aooAdding, aooGrids, aooOf, gridOrigin, type AooBase, type AooResult, type AooSettings } from "./aoo";
import { displayCells, displayCellsAdding, type DisplayCells } from "./grid";
import type { ProjectedPoints } from "./points";

/** The grids one build leaves for the next of its rebuild (buildProducts' `shared`). */
export interface SharedGrids {
  base?: GridBase;
}

interface GridBase {
  /** The grids' settings: another build uses them only with the same. */
  settings: string;
  /** The position table's serial and the positions' places in it (ascending, pointsOf). */
  source: NonNullable<ProjectedPoints["source"]>;
  aoo: AooBase;
  display: DisplayCells;
}

/** Lets the event loop take a turn between steps of tens of ms (build.ts). */
type Turn = () => Promise<void>;

/**
 * The AOO and the display cells of `points` (a grid anchored at the projection's origin). A base
 * left in `shared` is used when these points hold all of its points, and then consumed (its bits
 * are marked with the added cells); these points' grids are left in its place.
 */
export async function countGrids(points: ProjectedPoints, settings: { aoo: AooSettings; displayCellKm: number }, shared: SharedGrids | undefined, turn: Turn): Promise<{ occupancy: AooResult | null; cells: Polygon[] }> {
  const key = JSON.stringify([settings.aoo, settings.displayCellKm]);
  const base = shared?.base?.settings === key ? shared.base : undefined;
  if (shared) shared.base = undefined;
  const added = base ? addedTo(base, points) : null;
  const counts = base && added ? aooAdding(base.aoo, added, settings.aoo) : null;
  const aoo = base && counts ? { ...base.aoo, counts } : await countAoo(points, settings.aoo, turn);
  const cells = base && added ? displayCellsAdding(base.display, added) : null;
  const display = base && cells ? { ...base.display, cells } : displayCells(points, settings.displayCellKm);
  if (shared && points.source && aoo.counts.length > 0) shared.base = { settings: key, source: points.source, aoo, display };
  return { occupancy: aooOf(aoo.counts, settings.aoo), cells: display.cells };
}

/** Every offset's count and bits, with a turn of the event loop after each. */
export async function countAoo(points: ProjectedPoints, settings: AooSettings, turn: Turn): Promise<AooBase> {
  const origin = gridOrigin(points.xy);
  const counts: number[] = [];
  const bits: AooBase["bits"] = [];
  for (const grid of aooGrids(points, settings, origin)) {
    counts.push(grid.count);
    bits.push(grid.bits);
    await turn();
  }
  return { origin, counts, bits };
}

/** The x, y of the points the base lacks; null when they are of another table or lack one of the base's. */
function addedTo(base: GridBase, points: ProjectedPoints): Float64Array | null {
  if (!points.source || points.source.table !== base.source.table) return null;
  const { ids } = points.source;
  const had = base.source.ids;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < ids.length; i++) {
    if (j < had.length && had[j] === ids[i]) j++;
    else if (j < had.length && had[j] < ids[i]) return null;
    else out.push(points.xy[2 * i], points.xy[2 * i + 1]);
  }
  return j === had.length ? Float64Array.from(out) : null;
}
