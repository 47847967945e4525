/**
 * The registered layer sets (layer_sets): added from the CLI (`npm run layers`) or the admin
 * console after validation (validate.ts), read by the model jobs and tiles.
 */
import { z } from "zod";
import { prisma } from "@/lib/db/prisma";
import type { Grid } from "./geotiff";
import { filesOfDirectory, validateLayerSet } from "./validate";

export const CURRENT = "current";

export const layerSetInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** "current", or a future scenario such as "SSP2-4.5". */
    scenario: z.string().trim().min(1).max(100),
    year: z.number().int().min(1900).max(2300).nullable().default(null),
    /** Directory on the server holding one GeoTIFF per variable. */
    dir: z.string().trim().min(1).max(4096),
  })
  .refine((s) => (s.scenario === CURRENT) === (s.year === null), {
    message: 'the "current" scenario has no year, and a future scenario needs one',
    path: ["year"],
  });
export type LayerSetInput = z.input<typeof layerSetInputSchema>;

export interface LayerSet {
  id: number;
  name: string;
  scenario: string;
  year: number | null;
  variables: string[];
  files: Record<string, string>;
  grid: Grid;
  nodata: Record<string, number | null>;
  createdAt: Date;
}

/** Refusal of a set for a reason other than its files (a name or scenario already taken). */
export class LayerSetConflict extends Error {}

type Row = Awaited<ReturnType<ReturnType<typeof prisma>["layerSet"]["findMany"]>>[number];
const toSet = (r: Row): LayerSet => ({
  id: r.id,
  name: r.name,
  scenario: r.scenario,
  year: r.year,
  variables: r.variables,
  files: r.files as Record<string, string>,
  grid: r.grid as unknown as Grid,
  nodata: r.nodata as Record<string, number | null>,
  createdAt: r.createdAt,
});

/** Every set, the current one first, then the future ones by scenario and year. */
export async function listLayerSets(): Promise<LayerSet[]> {
  const rows = await prisma().layerSet.findMany({ orderBy: [{ year: { sort: "asc", nulls: "first" } }, { scenario: "asc" }] });
  return rows.map(toSet);
}

/** Validates a directory's files against the registered sets and registers them. */
export async function addLayerSet(input: LayerSetInput): Promise<LayerSet> {
  const { name, scenario, year, dir } = layerSetInputSchema.parse(input);
  const registered = await listLayerSets();
  if (registered.some((s) => s.name === name)) throw new LayerSetConflict(`a layer set named "${name}" is already registered`);
  const same = registered.find((s) => s.scenario === scenario && s.year === year);
  if (same) throw new LayerSetConflict(`the set "${same.name}" already stands for ${scenario}${year === null ? "" : ` ${year}`}`);
  const checked = await validateLayerSet(await filesOfDirectory(dir), registered);
  const row = await prisma().layerSet.create({
    data: { name, scenario, year, variables: checked.variables, files: checked.files, grid: { ...checked.grid }, nodata: checked.nodata },
  });
  return toSet(row);
}

/** Removes a set by name; false when there is none. */
export async function removeLayerSet(name: string): Promise<boolean> {
  const { count } = await prisma().layerSet.deleteMany({ where: { name } });
  return count > 0;
}
