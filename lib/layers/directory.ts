/**
 * Layer sets dropped into LAYER_SETS_DIR: each subdirectory holding a `layer-set.json`
 * (`{ name, scenario, year }`) and its GeoTIFFs is registered when the worker starts, unless a set
 * of that name already is. The simulator writes its synthetic climate this way for the demo; a
 * deployment may do the same with WorldClim or CHELSA files.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { log } from "@/lib/log";
import { addLayerSet, listLayerSets, type LayerSet } from "./store";

export const MANIFEST = "layer-set.json";

export const manifestSchema = z.object({
  name: z.string().min(1),
  scenario: z.string().min(1),
  year: z.number().int().nullable(),
});
export type LayerSetManifest = z.infer<typeof manifestSchema>;

/**
 * Registers the sets of `root` not yet registered, the current one first (the others are checked
 * against it). A refused set is logged with the file and the problem, and the others still go in.
 */
export async function registerLayerSetsDir(root: string): Promise<LayerSet[]> {
  let entries: string[];
  try {
    entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const found: { dir: string; manifest: LayerSetManifest }[] = [];
  for (const name of entries.sort()) {
    const dir = path.join(root, name);
    let text: string;
    try {
      text = await readFile(path.join(dir, MANIFEST), "utf8");
    } catch {
      continue;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      log.error({ file: path.join(dir, MANIFEST) }, "layer set manifest refused: not JSON");
      continue;
    }
    const parsed = manifestSchema.safeParse(data);
    if (!parsed.success) {
      log.error({ file: path.join(dir, MANIFEST), problem: parsed.error.message }, "layer set manifest refused");
      continue;
    }
    found.push({ dir, manifest: parsed.data });
  }
  found.sort((a, b) => (a.manifest.year ?? 0) - (b.manifest.year ?? 0));
  const known = new Set((await listLayerSets()).map((s) => s.name));
  const added: LayerSet[] = [];
  for (const { dir, manifest } of found) {
    if (known.has(manifest.name)) continue;
    try {
      added.push(await addLayerSet({ ...manifest, dir }));
      log.info({ name: manifest.name, dir }, "layer set registered");
    } catch (err) {
      log.error({ dir, problem: (err as Error).message }, "layer set refused");
    }
  }
  return added;
}
