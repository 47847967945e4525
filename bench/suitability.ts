/**
 * The model plumbing's speed (lib/suitability), beyond the core (bench/model-fit.ts): a fit
 * through the worker threads, evaluation included (issue 18's goal: ≤ 60 s on 2 cores), the
 * chunked projection of the model onto 2 000 × 2 000 grids of 7 Float32 layers (goal: ≤ 3 s per
 * scenario), writing one as a GeoTIFF, and PNG tiles rendered from it (goal: warm tile p95 ≤ 10 ms).
 *
 * `benchSuitability` measures given layers and presence cells: `npm run bench` hands it the
 * simulator's climate and the largest species' records (bench/model.ts). Standalone, on synthetic
 * layers and presences, no database:
 *   npx tsx bench/suitability.ts [--grid 2000] [--presences 2000] [--background 10000]
 * (figures also in bench/results/suitability-<date>.json; MODEL_FIT_THREADS sets the fit's threads)
 */
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { config } from "@/lib/config";
import { encodeGeoTiff, encodeGeoTiffSlowly, type Grid } from "@/lib/layers/geotiff";
import { Rng } from "@/lib/simulator/prng";
import { runFit } from "@/lib/suitability/fit";
import type { LoadedLayers } from "@/lib/suitability/layers";
import { project, type Projection } from "@/lib/suitability/projection";
import { backgroundCells, rowsOf } from "@/lib/suitability/sample";
import { cachedTile } from "@/lib/suitability/tile";
import { runIfMain } from "./child";
import { round } from "./procstat";
import type { Say } from "./progress";
import { writeFigures } from "./report";

export interface SuitabilityFigures {
  threads: number;
  fit: {
    presences: number;
    background: number;
    features: number;
    /** The main fit alone, and the rest of the wall time until every cross-validation fold was in. */
    fitSeconds: number;
    evaluationMoreSeconds: number;
    /** The whole fit with its evaluation, threads' start included: the figure held against the goal. */
    wallSeconds: number;
    /** This process's CPU over the fit (its threads included). */
    cpuSeconds: number;
  };
  /** One projection per scenario. */
  projections: { scenario: string; width: number; height: number; wallSeconds: number; cpuSeconds: number }[];
  /** The first scenario's projection written as a GeoTIFF. */
  geotiff: { bytes: number; wallSeconds: number; cpuSeconds: number };
  /** 81 zoom-6 tiles (a species page's view) of the first projection: rendered cold, then asked again (warm: the route's cache). */
  tiles: { count: number; coldMedianMs: number; coldP95Ms: number; coldCpuSeconds: number; warmMedianMs: number; warmP95Ms: number };
}

export interface SuitabilityInput {
  /** The layers the model is fitted on (the current layer set). */
  layers: LoadedLayers;
  /** Presence cells of `layers` (thinned: one per cell). */
  presences: Int32Array;
  background: number;
  /** Each scenario's layers to project onto, made when its turn comes (a 2 000² set is 112 MB). */
  scenarios: { name: string; layers: () => LoadedLayers }[];
  say: Say;
}

const cpuSince = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return round((u.user + u.system) / 1e6, 2);
};
const wallSince = (started: number) => round((performance.now() - started) / 1000, 3);

/** The figures, and the first scenario's projection (the standalone bench compares writers on it). */
export async function benchSuitability(o: SuitabilityInput): Promise<{ figures: SuitabilityFigures; projection: Projection }> {
  const threads = config().MODEL_FIT_THREADS;
  const p = rowsOf(o.layers, o.presences);
  const b = rowsOf(o.layers, backgroundCells(o.layers, o.background, 1));
  let started = performance.now();
  let cpu = process.cpuUsage();
  const fitted = await runFit({ variables: o.layers.variables, presence: p.rows, background: b.rows, presencePositions: p.positions, backgroundPositions: b.positions, settings: {}, folds: 4, seed: 1 });
  if (!fitted.ok) throw new Error(`the fit failed: ${fitted.message}`);
  const fit = {
    presences: o.presences.length,
    background: b.rows.length / o.layers.variables.length,
    features: fitted.model.features.length,
    fitSeconds: round(fitted.fitMs / 1000, 3),
    evaluationMoreSeconds: round(fitted.evaluateMs / 1000, 3),
    wallSeconds: wallSince(started),
    cpuSeconds: cpuSince(cpu),
  };
  o.say(
    `  fit in worker threads: ${fit.presences} presences, ${fit.background} background: fit ${fit.fitSeconds.toFixed(1)} s, evaluation (4 CV refits) ${fit.evaluationMoreSeconds.toFixed(1)} s more, ` +
      `${fit.wallSeconds.toFixed(1)} s wall in all on ${threads} threads (${fit.cpuSeconds} s CPU), ${fit.features} features`,
  );

  const projections: SuitabilityFigures["projections"] = [];
  let first: Projection | null = null;
  for (const scenario of o.scenarios) {
    const layers = scenario.layers();
    cpu = process.cpuUsage();
    started = performance.now();
    const projection = project(fitted.model, layers);
    const figures = { scenario: scenario.name, width: layers.grid.width, height: layers.grid.height, wallSeconds: wallSince(started), cpuSeconds: cpuSince(cpu) };
    projections.push(figures);
    o.say(`  projection of ${scenario.name} onto ${figures.width} × ${figures.height}: ${figures.wallSeconds.toFixed(2)} s wall, ${figures.cpuSeconds} s CPU`);
    first ??= projection;
  }
  if (!first) throw new Error("no scenario to project onto");

  cpu = process.cpuUsage();
  started = performance.now();
  const tif = encodeGeoTiff(first.values, first.grid);
  const geotiff = { bytes: tif.length, wallSeconds: wallSince(started), cpuSeconds: cpuSince(cpu) };
  o.say(`  GeoTIFF written (${(tif.length / 1e6).toFixed(1)} MB): ${geotiff.wallSeconds.toFixed(2)} s wall, ${geotiff.cpuSeconds} s CPU`);

  const tiles = tileFigures(first, fitted.evaluation.threshold, `bench-${performance.now()}`);
  o.say(`  tiles (256², zoom 6, ${tiles.count}): cold median ${tiles.coldMedianMs} ms, p95 ${tiles.coldP95Ms} ms; warm median ${tiles.warmMedianMs} ms, p95 ${tiles.warmP95Ms} ms`);
  return { figures: { threads, fit, projections, geotiff, tiles }, projection: first };
}

/** Zoom-6 tiles over Australia, each rendered (cold) then asked again (warm: the route's LRU). */
function tileFigures(projection: Projection, threshold: number, key: string): SuitabilityFigures["tiles"] {
  const cold: number[] = [];
  const warm: number[] = [];
  const cpu = process.cpuUsage();
  for (let x = 51; x <= 59; x++)
    for (let y = 31; y <= 39; y++) {
      let s = performance.now();
      cachedTile(key, projection, threshold, 6, x, y);
      cold.push(performance.now() - s);
      s = performance.now();
      cachedTile(key, projection, threshold, 6, x, y);
      warm.push(performance.now() - s);
    }
  const q = (times: number[], f: number) => round([...times].sort((a, c) => a - c)[Math.min(times.length - 1, Math.floor(f * times.length))], 2);
  return { count: cold.length, coldMedianMs: q(cold, 0.5), coldP95Ms: q(cold, 0.95), coldCpuSeconds: cpuSince(cpu), warmMedianMs: q(warm, 0.5), warmP95Ms: q(warm, 0.95) };
}

/** 7 synthetic smooth climate-like layers of size × size cells over Australia's box. */
function syntheticLayers(size: number): LoadedLayers {
  const grid: Grid = { width: size, height: size, west: 112, north: -8, resX: 44 / size, resY: 36 / size, crs: 4326 };
  const variables = ["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"];
  const n = size * size;
  const columns = variables.map(() => new Float32Array(n));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const u = x / size;
      const v = y / size;
      columns[0][i] = 28 - 15 * v + 0.3 * Math.sin(i);
      columns[1][i] = 200 + 400 * v * u;
      columns[2][i] = columns[0][i] + 8 + 4 * u;
      columns[3][i] = 300 + 2500 * (1 - u) ** 2;
      columns[4][i] = 20 + 80 * Math.abs(Math.sin(3 * u + v));
      columns[5][i] = columns[3][i] * (0.3 + 0.2 * v);
      columns[6][i] = columns[3][i] * (0.05 + 0.1 * (1 - v));
    }
  return { setId: 1, grid, variables, columns };
}

/** Presences: distinct cells where a niche of bio1 and bio12 is high. */
function syntheticPresences(layers: LoadedLayers, count: number): Int32Array {
  const rng = new Rng(1);
  const n = layers.grid.width * layers.grid.height;
  const [bio1, , , bio12] = layers.columns;
  const cells: number[] = [];
  const seen = new Set<number>();
  while (cells.length < count) {
    const cell = Math.floor(rng.next() * n);
    const s = Math.exp(-(((bio1[cell] - 20) / 3) ** 2) - (((bio12[cell] - 1200) / 400) ** 2));
    if (!seen.has(cell) && rng.next() < s) {
      seen.add(cell);
      cells.push(cell);
    }
  }
  return Int32Array.from(cells);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      grid: { type: "string", default: "2000" },
      presences: { type: "string", default: "2000" },
      background: { type: "string", default: "10000" },
    },
  });
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const date = new Date().toISOString();
  const loadAverageAtStart = loadavg();
  const layers = syntheticLayers(Number(values.grid));
  const presences = syntheticPresences(layers, Number(values.presences));
  const { figures, projection } = await benchSuitability({ layers, presences, background: Number(values.background), scenarios: [{ name: "synthetic", layers: () => layers }], say: console.log });

  // geotiff.js's own writer, for comparison with lib/layers/geotiff's (not part of npm run bench).
  const cpu = process.cpuUsage();
  const started = performance.now();
  const slow = encodeGeoTiffSlowly(projection.values, projection.grid);
  const geotiffValueByValue = { wallSeconds: wallSince(started), cpuSeconds: cpuSince(cpu), sameBytes: slow.equals(encodeGeoTiff(projection.values, projection.grid)) };
  console.log(`  geotiff.js's value-by-value writer, for comparison: ${geotiffValueByValue.wallSeconds} s wall, ${geotiffValueByValue.cpuSeconds} s CPU; same bytes: ${geotiffValueByValue.sameBytes}`);

  const file = writeFigures("suitability", { date, cores: cpus().length, loadAverageAtStart, grid: layers.grid.width, ...figures, geotiffValueByValue, loadAverageAtEnd: loadavg() }, path.join(process.cwd(), "bench", "results"));
  console.log(`figures written to ${path.relative(process.cwd(), file)}`);
}

runIfMain(import.meta.url, main);
