/**
 * Validation of a layer set before it is registered: one GeoTIFF per variable, every file on one
 * grid, and the same variables and grid as the sets already registered (a model fitted on one
 * set is projected onto the others cell by cell). Each refusal names the file and the problem.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describeGrid, LayerFileError, readBand, sameGrid, type Grid } from "./geotiff";

export interface LayerSetFiles {
  /** Variable name → absolute file path, in variable order. */
  files: Record<string, string>;
  variables: string[];
  grid: Grid;
  /** Each file's declared nodata value (null: none declared). */
  nodata: Record<string, number | null>;
}

export interface RegisteredSet {
  name: string;
  variables: string[];
  grid: Grid;
}

const VARIABLE = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The GeoTIFFs of a directory, one variable each, named by the file's stem (`bio1.tif` → `bio1`),
 * as WorldClim's files are once renamed.
 */
export async function filesOfDirectory(dir: string): Promise<Record<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new LayerFileError(dir, `cannot be listed (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const files: Record<string, string> = {};
  for (const name of names.sort()) {
    const ext = path.extname(name).toLowerCase();
    if (ext !== ".tif" && ext !== ".tiff") continue;
    const variable = path.basename(name, path.extname(name));
    const file = path.resolve(dir, name);
    if (!VARIABLE.test(variable)) throw new LayerFileError(file, `"${variable}" is not a variable name (letters, digits and _, starting with a letter)`);
    if (files[variable]) throw new LayerFileError(file, `variable ${variable} has two files (${files[variable]} too)`);
    files[variable] = file;
  }
  if (Object.keys(files).length === 0) throw new LayerFileError(dir, "holds no GeoTIFF (.tif) files");
  return files;
}

/**
 * Reads every file of a set through and checks it against the others and the registered sets.
 * Reading every cell (not only the header) catches truncated files before a model depends on them.
 */
export async function validateLayerSet(files: Record<string, string>, registered: RegisteredSet[]): Promise<LayerSetFiles> {
  const variables = Object.keys(files).sort(naturalOrder);
  if (variables.length === 0) throw new LayerFileError("(layer set)", "has no files");
  let grid: Grid | undefined;
  let gridFile = "";
  const nodata: Record<string, number | null> = {};
  for (const variable of variables) {
    const file = files[variable];
    const { info, values } = await readBand(file);
    if (grid && !sameGrid(grid, info.grid)) {
      throw new LayerFileError(file, `is on another grid than ${path.basename(gridFile)}: ${describeGrid(info.grid)}, not ${describeGrid(grid)}`);
    }
    grid ??= info.grid;
    gridFile ||= file;
    let finite = 0;
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite++;
    if (finite === 0) throw new LayerFileError(file, `has no data: every cell is nodata (${info.nodata ?? "NaN"})`);
    nodata[variable] = info.nodata;
  }
  const reference = registered[0];
  if (reference) {
    const missing = reference.variables.filter((v) => !files[v]);
    const extra = variables.filter((v) => !reference.variables.includes(v));
    if (missing.length || extra.length) {
      const where = path.dirname(files[variables[0]]);
      const parts = [missing.length ? `lacks ${missing.join(", ")}` : "", extra.length ? `has ${extra.join(", ")} too` : ""].filter(Boolean);
      throw new LayerFileError(where, `${parts.join(" and ")}: every set must hold the variables of the registered set "${reference.name}" (${reference.variables.join(", ")})`);
    }
    if (!sameGrid(reference.grid, grid!)) {
      throw new LayerFileError(gridFile, `is on another grid than the registered set "${reference.name}": ${describeGrid(grid!)}, not ${describeGrid(reference.grid)}`);
    }
  }
  return { files: Object.fromEntries(variables.map((v) => [v, files[v]])), variables, grid: grid!, nodata };
}

/** bio2 before bio12. */
function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
