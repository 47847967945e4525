/**
 * A model projected onto a layer set: cloglog suitability per cell (NaN where a variable has no
 * data), computed in row chunks by the model core's predictColumns. Kept in memory (a few) and
 * stored as a GeoTIFF under DATA_DIR/models, keyed by species, model version and layer set, so a
 * new model never reuses an old projection and a restart does not recompute.
 */
import { mkdir, readFile, writeFile, rename } from "node:fs/promises";
import path from "node:path";
import { LRUCache } from "lru-cache";
import { config } from "@/lib/config";
import { encodeGeoTiff, readBand, type Grid } from "@/lib/layers/geotiff";
import type { LayerSet } from "@/lib/layers/store";
import { predictColumns, type MaxnetModel } from "@/lib/model";
import { loadLayers, type LoadedLayers } from "./layers";

export interface Projection {
  grid: Grid;
  values: Float32Array;
}

/** Rows of cells predicted at once: bounded scratch memory whatever the grid. */
const CHUNK = 65_536;

/** Predicts every cell; the layers' variables are matched to the model's by name. */
export function project(model: MaxnetModel, layers: LoadedLayers): Projection {
  const columns = model.variables.map((v) => {
    const at = layers.variables.indexOf(v);
    if (at < 0) throw new Error(`the layer set has no variable ${v}, which the model uses`);
    return layers.columns[at];
  });
  const n = layers.grid.width * layers.grid.height;
  const values = new Float32Array(n);
  const out = new Float64Array(CHUNK);
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    predictColumns(model, columns, "cloglog", { start, end, out });
    for (let i = start; i < end; i++) values[i] = out[i - start];
  }
  return { grid: layers.grid, values };
}

const memory = new LRUCache<string, Promise<Projection>>({ max: 6 });

export function projectionFile(speciesId: number, version: number, setId: number): string {
  return path.join(config().DATA_DIR, "models", `species-${speciesId}-v${version}-set${setId}.tif`);
}

/** The projection of a species' model version onto a set: from memory, the stored file, or computed and stored. */
export function projectionOf(speciesId: number, version: number, model: MaxnetModel, set: LayerSet): Promise<Projection> {
  const key = `${speciesId}:${version}:${set.id}`;
  let p = memory.get(key);
  if (!p) {
    p = (async () => {
      const file = projectionFile(speciesId, version, set.id);
      try {
        const { info, values } = await readBand(file);
        return { grid: info.grid, values };
      } catch {
        const projection = project(model, await loadLayers(set));
        await mkdir(path.dirname(file), { recursive: true });
        // Written aside and renamed, so a reader never sees half a file.
        await writeFile(`${file}.part`, encodeGeoTiff(projection.values, projection.grid));
        await rename(`${file}.part`, file);
        return projection;
      }
    })();
    p.catch(() => memory.delete(key));
    memory.set(key, p);
  }
  return p;
}

/** The stored GeoTIFF's bytes (computing it first when needed). */
export async function projectionGeoTiff(speciesId: number, version: number, model: MaxnetModel, set: LayerSet): Promise<Buffer> {
  await projectionOf(speciesId, version, model, set);
  return readFile(projectionFile(speciesId, version, set.id));
}
