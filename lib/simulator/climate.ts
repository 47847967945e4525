/**
 * The simulator's synthetic climate: seven bioclimatic variables (WorldClim's bio1, 4, 5, 12, 15,
 * 16, 17, the original Edgar's) over its own Australia, for the current climate and a warmer
 * SSP2-4.5 in 2050 and 2070. Not real climate, but shaped like it where the simulator's species
 * live (taxa.ts's regions): a wet monsoonal north (N, NE), a wet east coast (E, SE), a winter-rain
 * south-west (SW), a cool wet Tasmania (T), a hot dry interior (A), milder coasts (C). So a model
 * fitted on a species' simulated records finds a real niche, offline.
 *
 * Written as GeoTIFFs in EPSG:4326 (lib/layers), one directory per set with a `layer-set.json`
 * naming it, which the worker registers from LAYER_SETS_DIR (lib/layers/directory.ts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodeGeoTiff, type Grid } from "@/lib/layers/geotiff";
import type { LayerSetManifest } from "@/lib/layers/directory";
import { onLand } from "./geo";
import { hash2 } from "./prng";

export const CLIMATE_VARIABLES = ["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"] as const;
type Variable = (typeof CLIMATE_VARIABLES)[number];

/** 0.1° over Australia and Tasmania: 440 × 360 cells. */
export const CLIMATE_GRID: Grid = { width: 440, height: 360, west: 112, north: -8, resX: 0.1, resY: 0.1, crs: 4326 };

export interface ClimateScenario {
  dir: string;
  manifest: LayerSetManifest;
  /** Warming of the annual mean at the coast and inland, °C, and the change of southern rainfall (share). */
  warming: { coast: number; inland: number };
  southernRain: number;
}

export const CLIMATE_SCENARIOS: readonly ClimateScenario[] = [
  { dir: "current", manifest: { name: "Current climate (simulated)", scenario: "current", year: null }, warming: { coast: 0, inland: 0 }, southernRain: 0 },
  { dir: "ssp245-2050", manifest: { name: "SSP2-4.5 2050 (simulated)", scenario: "SSP2-4.5", year: 2050 }, warming: { coast: 1.2, inland: 1.7 }, southernRain: -0.08 },
  { dir: "ssp245-2070", manifest: { name: "SSP2-4.5 2070 (simulated)", scenario: "SSP2-4.5", year: 2070 }, warming: { coast: 1.8, inland: 2.5 }, southernRain: -0.13 },
];

/**
 * Distance to the sea of every land cell, in degrees (two-pass chamfer distance transform), which
 * moderates temperature and brings rain.
 */
function distanceToSea(land: Uint8Array, g: Grid): Float32Array {
  const { width: w, height: h } = g;
  const d = new Float32Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = land[i] ? 1e9 : 0;
  const diag = Math.SQRT2;
  const relax = (i: number, j: number, cost: number) => {
    if (d[j] + cost < d[i]) d[i] = d[j] + cost;
  };
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x > 0) relax(i, i - 1, 1);
      if (y > 0) {
        relax(i, i - w, 1);
        if (x > 0) relax(i, i - w - 1, diag);
        if (x < w - 1) relax(i, i - w + 1, diag);
      }
    }
  for (let y = h - 1; y >= 0; y--)
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (x < w - 1) relax(i, i + 1, 1);
      if (y < h - 1) {
        relax(i, i + w, 1);
        if (x < w - 1) relax(i, i + w + 1, diag);
        if (x > 0) relax(i, i + w - 1, diag);
      }
    }
  for (let i = 0; i < d.length; i++) d[i] *= g.resX;
  return d;
}

/** The seven variables of one scenario, sea cells NaN (nodata). */
export function climateOf(scenario: ClimateScenario, g: Grid = CLIMATE_GRID): Record<Variable, Float32Array> {
  const n = g.width * g.height;
  const land = new Uint8Array(n);
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++) land[y * g.width + x] = onLand(g.north - (y + 0.5) * g.resY, g.west + (x + 0.5) * g.resX) ? 1 : 0;
  const sea = distanceToSea(land, g);
  const out = Object.fromEntries(CLIMATE_VARIABLES.map((v) => [v, new Float32Array(n).fill(NaN)])) as Record<Variable, Float32Array>;
  for (let y = 0; y < g.height; y++) {
    const lat = g.north - (y + 0.5) * g.resY;
    for (let x = 0; x < g.width; x++) {
      const i = y * g.width + x;
      if (!land[i]) continue;
      const lon = g.west + (x + 0.5) * g.resX;
      // Small seeded roughness, so that no variable is an exact function of another.
      const noise = (k: number) => hash2(k, i) / 2 ** 32 - 0.5;
      const coastal = Math.exp(-sea[i] / 2.5);
      const south = Math.min(1, Math.max(0, (-lat - 10) / 34));
      const monsoon = Math.exp(-(((lat + 12) / 6) ** 2));
      const eastCoast = lon > 146 ? 1 : Math.exp(-(((146 - lon) / 3) ** 2));
      const warming = scenario.warming.coast * coastal + scenario.warming.inland * (1 - coastal);
      const bio1 = 28.5 - 15 * south + 2 * (1 - coastal) * (1 - south) + warming + 0.4 * noise(1);
      const bio4 = 150 + 450 * south * (1 - 0.6 * coastal) + 150 * (1 - coastal) + 8 * warming + 10 * noise(2);
      const bio5 = bio1 + 7 + 9 * (1 - coastal) + 0.3 * warming + 0.4 * noise(3);
      const rainChange = 1 + scenario.southernRain * south * south;
      const bio12 =
        (180 + coastal * (1300 * monsoon + 1100 * eastCoast * (1 - 0.3 * monsoon) + 600 * south * south) + 250 * Math.max(0, -lat - 40)) * rainChange * (1 + 0.05 * noise(4));
      const bio15 = 25 + 90 * (1 - south) ** 2 + 20 * (1 - coastal) + 3 * noise(5);
      const bio16 = bio12 * (0.3 + 0.35 * (bio15 / 130));
      const bio17 = bio12 * Math.max(0.02, 0.2 - 0.15 * (bio15 / 130));
      out.bio1[i] = bio1;
      out.bio4[i] = bio4;
      out.bio5[i] = bio5;
      out.bio12[i] = bio12;
      out.bio15[i] = bio15;
      out.bio16[i] = bio16;
      out.bio17[i] = bio17;
    }
  }
  return out;
}

/** Writes every scenario's GeoTIFFs and manifest under `root` (one directory each); returns their directories. */
export async function writeClimateLayers(root: string, g: Grid = CLIMATE_GRID): Promise<string[]> {
  const dirs: string[] = [];
  for (const scenario of CLIMATE_SCENARIOS) {
    const dir = path.join(root, scenario.dir);
    await mkdir(dir, { recursive: true });
    const layers = climateOf(scenario, g);
    for (const v of CLIMATE_VARIABLES) await writeFile(path.join(dir, `${v}.tif`), encodeGeoTiff(layers[v], g));
    await writeFile(path.join(dir, "layer-set.json"), `${JSON.stringify(scenario.manifest, null, 2)}\n`);
    dirs.push(dir);
  }
  return dirs;
}
