/**
 * A layer set's bands in memory, one column per variable (nodata NaN), for sampling and
 * projection. The last few sets read are kept: each 2 000 × 2 000 variable is 16 MB.
 */
import { LRUCache } from "lru-cache";
import { readBand, type Grid } from "@/lib/layers/geotiff";
import type { LayerSet } from "@/lib/layers/store";

export interface LoadedLayers {
  setId: number;
  grid: Grid;
  variables: string[];
  /** One Float32Array per variable, row-major from the north-west cell. */
  columns: Float32Array[];
}

const cache = new LRUCache<string, Promise<LoadedLayers>>({ max: 3 });

export function loadLayers(set: LayerSet): Promise<LoadedLayers> {
  const key = `${set.id}:${set.createdAt.getTime()}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      const columns: Float32Array[] = [];
      for (const v of set.variables) columns.push((await readBand(set.files[v])).values);
      return { setId: set.id, grid: set.grid, variables: set.variables, columns };
    })();
    loaded.catch(() => cache.delete(key));
    cache.set(key, loaded);
  }
  return loaded;
}

/** The cell holding a position, or -1 outside the grid. */
export function cellOf(grid: Grid, lon: number, lat: number): number {
  const x = Math.floor((lon - grid.west) / grid.resX);
  const y = Math.floor((grid.north - lat) / grid.resY);
  if (x < 0 || y < 0 || x >= grid.width || y >= grid.height) return -1;
  return y * grid.width + x;
}

/** Whether every variable has a value in the cell. */
export function hasData(layers: LoadedLayers, cell: number): boolean {
  for (const c of layers.columns) if (!Number.isFinite(c[cell])) return false;
  return true;
}

/** Centre of a cell, lon then lat. */
export function cellCentre(grid: Grid, cell: number): [number, number] {
  const x = cell % grid.width;
  const y = (cell - x) / grid.width;
  return [grid.west + (x + 0.5) * grid.resX, grid.north - (y + 0.5) * grid.resY];
}
