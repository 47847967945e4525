/**
 * The simulator's climate: GeoTIFFs that lib/layers accepts and the worker registers from a
 * directory, shaped like the regions the simulator's species live in, warmer in the future.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerLayerSetsDir } from "@/lib/layers/directory";
import { readBand } from "@/lib/layers/geotiff";
import { listLayerSets } from "@/lib/layers/store";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { CLIMATE_GRID, CLIMATE_SCENARIOS, CLIMATE_VARIABLES, climateOf, writeClimateLayers } from "./climate";
import { REGION_ANCHORS } from "./geo";

let db: TestDatabase;
let root: string;
beforeAll(async () => {
  db = await createTestDatabase();
  root = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-climate-"));
});
afterAll(async () => {
  await db.drop();
  await fs.rm(root, { recursive: true, force: true });
});

const [current, mid, late] = CLIMATE_SCENARIOS.map((s) => climateOf(s));
const g = CLIMATE_GRID;

/** The value at a place, or the nearest land cell's within 0.5° (anchors on the coastline or an island the coastline omits). */
function at(values: Float32Array, lon: number, lat: number): number {
  const cx = Math.floor((lon - g.west) / g.resX);
  const cy = Math.floor((g.north - lat) / g.resY);
  for (let r = 0; r <= 5; r++)
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) {
        const v = values[(cy + dy) * g.width + cx + dx];
        if (Number.isFinite(v)) return v;
      }
  return NaN;
}
const mean = (variable: (typeof CLIMATE_VARIABLES)[number], region: string) => {
  const vs = REGION_ANCHORS[region].map(([lon, lat]) => at(current[variable], lon, lat));
  return vs.reduce((a, b) => a + b, 0) / vs.length;
};

describe("simulated climate", () => {
  it("has data at every region anchor the species' ranges are drawn around", () => {
    for (const [region, anchors] of Object.entries(REGION_ANCHORS))
      for (const [lon, lat] of anchors) for (const v of CLIMATE_VARIABLES) expect(at(current[v], lon, lat), `${region} ${lon},${lat} ${v}`).toSatisfy(Number.isFinite);
  });

  it("differs between the regions as their climates do", () => {
    expect(mean("bio12", "N")).toBeGreaterThan(2 * mean("bio12", "A"));
    expect(mean("bio12", "E")).toBeGreaterThan(2 * mean("bio12", "A"));
    expect(mean("bio1", "N")).toBeGreaterThan(mean("bio1", "T") + 8);
    expect(mean("bio5", "A")).toBeGreaterThan(mean("bio5", "C"));
    expect(mean("bio15", "N")).toBeGreaterThan(mean("bio15", "T") + 30);
  });

  it("is warmer in 2050 and warmer still in 2070, on every land cell", () => {
    let land = 0;
    for (let i = 0; i < current.bio1.length; i++) {
      if (Number.isNaN(current.bio1[i])) {
        if (!Number.isNaN(mid.bio1[i])) throw new Error(`sea cell ${i} has data in 2050`);
        continue;
      }
      land++;
      if (!(mid.bio1[i] > current.bio1[i] + 1 && late.bio1[i] > mid.bio1[i] + 0.5)) throw new Error(`cell ${i} does not warm`);
    }
    expect(land).toBeGreaterThan(50_000);
  });

  it("is written as GeoTIFFs the worker registers from the directory, once", async () => {
    await writeClimateLayers(root);
    const back = await readBand(path.join(root, "current", "bio12.tif"));
    expect(back.info.grid).toEqual(g);
    expect(Array.from(back.values.slice(0, 5000))).toEqual(Array.from(current.bio12.slice(0, 5000)));
    await fs.mkdir(path.join(root, "broken"));
    await fs.writeFile(path.join(root, "broken", "layer-set.json"), "{ not json");

    const added = await registerLayerSetsDir(root);
    expect(added.map((s) => [s.scenario, s.year, s.variables])).toEqual([
      ["current", null, ["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"]],
      ["SSP2-4.5", 2050, ["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"]],
      ["SSP2-4.5", 2070, ["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"]],
    ]);
    expect(await registerLayerSetsDir(root)).toEqual([]);
    expect((await listLayerSets()).length).toBe(3);
    expect(await registerLayerSetsDir(path.join(root, "absent"))).toEqual([]);
  });
});
