/**
 * The model plumbing's speed (lib/suitability), beyond the core (bench/model-fit.ts): a fit
 * through the worker thread, the chunked projection of a model onto a 2 000 × 2 000 grid of 7
 * Float32 layers (issue 18's goal: ≤ 3 s per scenario), writing it as a GeoTIFF, and rendering
 * PNG tiles from the projection (goal: warm tile p95 ≤ 10 ms). The fit's goal (issue 18): ≤ 60 s
 * for 2 000 presences + 10 000 background, evaluation included. Standalone, no database:
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
import { project } from "@/lib/suitability/projection";
import { backgroundCells, rowsOf } from "@/lib/suitability/sample";
import { cachedTile } from "@/lib/suitability/tile";
import { writeFigures } from "./report";

const { values } = parseArgs({
  options: {
    grid: { type: "string", default: "2000" },
    presences: { type: "string", default: "2000" },
    background: { type: "string", default: "10000" },
  },
});
const size = Number(values.grid);
const grid: Grid = { width: size, height: size, west: 112, north: -8, resX: 44 / size, resY: 36 / size, crs: 4326 };
const rng = new Rng(1);
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
const layers: LoadedLayers = { setId: 1, grid, variables, columns };

// Presences: cells where a niche of bio1 and bio12 is high.
const pCells: number[] = [];
const seen = new Set<number>();
while (pCells.length < Number(values.presences)) {
  const cell = Math.floor(rng.next() * n);
  const s = Math.exp(-(((columns[0][cell] - 20) / 3) ** 2) - (((columns[3][cell] - 1200) / 400) ** 2));
  if (!seen.has(cell) && rng.next() < s) {
    seen.add(cell);
    pCells.push(cell);
  }
}
const p = rowsOf(layers, Int32Array.from(pCells));
const b = rowsOf(layers, backgroundCells(layers, Number(values.background), 1));

const cpuS = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return ((u.user + u.system) / 1e6).toFixed(2);
};
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const figures: Record<string, unknown> = { date: new Date().toISOString(), cores: cpus().length, loadAverageAtStart: loadavg(), grid: size, threads: config().MODEL_FIT_THREADS };

let t = performance.now();
let cpu = process.cpuUsage();
const fitted = await runFit({ variables, presence: p.rows, background: b.rows, presencePositions: p.positions, backgroundPositions: b.positions, settings: {}, folds: 4, seed: 1 });
if (!fitted.ok) throw new Error(fitted.message);
figures.fit = { presences: pCells.length, background: Number(values.background), features: fitted.model.features.length, fitSeconds: seconds(fitted.fitMs), evaluationMoreSeconds: seconds(fitted.evaluateMs), wallSeconds: seconds(performance.now() - t), cpuSeconds: Number(cpuS(cpu)) };
console.log(
  `fit in a worker thread: ${pCells.length} presences, ${values.background} background: fit ${(fitted.fitMs / 1000).toFixed(1)} s, evaluation (4 CV refits) ${(fitted.evaluateMs / 1000).toFixed(1)} s more, wall ${((performance.now() - t) / 1000).toFixed(1)} s in all on ${config().MODEL_FIT_THREADS} threads (${cpuS(cpu)} s CPU, threads' start included), ${fitted.model.features.length} features`,
);

cpu = process.cpuUsage();
t = performance.now();
const projection = project(fitted.model, layers);
figures.projection = { wallSeconds: seconds(performance.now() - t), cpuSeconds: Number(cpuS(cpu)) };
console.log(`projection onto ${size} × ${size}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${cpuS(cpu)} s CPU`);

cpu = process.cpuUsage();
t = performance.now();
const tif = encodeGeoTiff(projection.values, grid);
figures.geotiff = { bytes: tif.length, wallSeconds: seconds(performance.now() - t), cpuSeconds: Number(cpuS(cpu)) };
console.log(`GeoTIFF written (${(tif.length / 1e6).toFixed(1)} MB): ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${cpuS(cpu)} s CPU`);
cpu = process.cpuUsage();
t = performance.now();
const slow = encodeGeoTiffSlowly(projection.values, grid);
figures.geotiffValueByValue = { wallSeconds: seconds(performance.now() - t), cpuSeconds: Number(cpuS(cpu)), sameBytes: slow.equals(tif) };
console.log(`  geotiff.js's value-by-value writer, for comparison: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${cpuS(cpu)} s CPU; same bytes: ${slow.equals(tif)}`);

// Tiles over the grid at zoom 6 (a species page's view): rendered cold, then asked again (warm: the route's cache).
const threshold = fitted.evaluation.threshold;
const cold: number[] = [];
const warm: number[] = [];
cpu = process.cpuUsage();
for (let x = 51; x <= 59; x++)
  for (let y = 31; y <= 39; y++) {
    let s = performance.now();
    cachedTile("bench", projection, threshold, 6, x, y);
    cold.push(performance.now() - s);
    s = performance.now();
    cachedTile("bench", projection, threshold, 6, x, y);
    warm.push(performance.now() - s);
  }
const coldCpu = cpuS(cpu);
const q = (times: number[], f: number) => [...times].sort((a, c) => a - c)[Math.min(times.length - 1, Math.floor(f * times.length))].toFixed(2);
console.log(`tiles (256², zoom 6, ${cold.length}): cold median ${q(cold, 0.5)} ms, p95 ${q(cold, 0.95)} ms (${coldCpu} s CPU for all); warm median ${q(warm, 0.5)} ms, p95 ${q(warm, 0.95)} ms`);
figures.tiles = { count: cold.length, coldMedianMs: Number(q(cold, 0.5)), coldP95Ms: Number(q(cold, 0.95)), coldCpuSeconds: Number(coldCpu), warmMedianMs: Number(q(warm, 0.5)), warmP95Ms: Number(q(warm, 0.95)) };
figures.loadAverageAtEnd = loadavg();
const file = writeFigures("suitability", figures, path.join(process.cwd(), "bench", "results"));
console.log(`figures written to ${path.relative(process.cwd(), file)}`);
