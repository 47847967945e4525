/**
 * The model core's speed (lib/model): fitting maxnet with default features on synthetic
 * presences and background over 7 variables, then projecting onto a grid, as issue 18's goals
 * ask (≤ 60 s per fit on 2 cores; ≤ 3 s per 2 000 × 2 000 projection). Standalone, no database:
 *   npx tsx bench/model-fit.ts [--presences 20000] [--background 10000] [--grid 2000] [--seed 1]
 * The data: positions uniform in a unit square, 7 smooth climate-like fields of position plus
 * noise, presences drawn where a Gaussian niche of three of them is high.
 */
import { parseArgs } from "node:util";
import { fitMaxnet, predictColumns } from "@/lib/model";
import { Rng } from "@/lib/simulator/prng";

const { values } = parseArgs({
  options: {
    presences: { type: "string", default: "20000" },
    background: { type: "string", default: "10000" },
    grid: { type: "string", default: "2000" },
    seed: { type: "string", default: "1" },
  },
});
const presences = Number(values.presences);
const background = Number(values.background);
const grid = Number(values.grid);
const rng = new Rng(Number(values.seed));

const VARIABLES = ["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"];
/** Climate-like values at (u, v) in [0, 1]², rounded as WorldClim stores them. */
function climate(u: number, v: number, noise: () => number, out: Float64Array): Float64Array {
  out[0] = Math.round(280 - 120 * v + 10 * noise());
  out[1] = Math.round(2000 + 4000 * v * u + 200 * noise());
  out[2] = Math.round(out[0] + 80 + 40 * u + 5 * noise());
  out[3] = Math.round(300 + 2500 * (1 - u) ** 2 + 100 * noise());
  out[4] = Math.round(20 + 80 * Math.abs(Math.sin(3 * u + v)) + 5 * noise());
  out[5] = Math.round(out[3] * (0.3 + 0.2 * v));
  out[6] = Math.round(out[3] * (0.05 + 0.1 * (1 - v)) + 3 * noise());
  return out;
}
const suitability = (x: Float64Array) =>
  Math.exp(-(((x[0] - 220) / 30) ** 2) - (((x[3] - 1200) / 500) ** 2) - (((x[4] - 60) / 40) ** 2));

const noise = () => rng.gauss();
const bg: Float64Array[] = [];
for (let i = 0; i < background; i++) bg.push(climate(rng.next(), rng.next(), noise, new Float64Array(7)));
const pres: Float64Array[] = [];
while (pres.length < presences) {
  const x = climate(rng.next(), rng.next(), noise, new Float64Array(7));
  if (rng.next() < suitability(x)) pres.push(x);
}

const memoryBefore = process.memoryUsage().rss;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return ((u.user + u.system) / 1e6).toFixed(1);
};
let cpu = process.cpuUsage();
let started = performance.now();
const model = fitMaxnet(pres, bg, VARIABLES);
const fitMs = performance.now() - started;
console.log(
  `fit: ${presences} presences, ${background} background, ${VARIABLES.length} variables, features "${model.settings.features}": ` +
    `${(fitMs / 1000).toFixed(1)} s (CPU ${cpuSeconds(cpu)} s), ${model.features.length} features kept, rss +${Math.round((process.memoryUsage().rss - memoryBefore) / 2 ** 20)} MiB`,
);

// A grid of grid × grid cells, one Float32Array band per variable as a GeoTIFF gives them.
const cells = grid * grid;
const bands = VARIABLES.map(() => new Float32Array(cells));
const row = new Float64Array(7);
for (let c = 0; c < cells; c++) {
  climate((c % grid) / grid, Math.floor(c / grid) / grid, () => 0, row);
  for (let v = 0; v < 7; v++) bands[v][c] = row[v];
}
const out = new Float64Array(cells);
cpu = process.cpuUsage();
started = performance.now();
const chunk = 1 << 18;
for (let start = 0; start < cells; start += chunk) {
  const end = Math.min(cells, start + chunk);
  predictColumns(model, bands, "cloglog", { start, end, out: out.subarray(start, end) });
}
const projectMs = performance.now() - started;
console.log(`projection: ${grid} × ${grid} cells, cloglog, clamped: ${(projectMs / 1000).toFixed(2)} s (CPU ${cpuSeconds(cpu)} s)`);
