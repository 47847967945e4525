/**
 * The ALA simulator in a child process (`npm run simulator`), so that generating its JSON does
 * not share the importer's event loop — it still shares the machine's cores, which the results
 * say. Changes go through its control API, as they would for any other client.
 */
import { z } from "zod";
import { startChild } from "./child";

export interface SimulatorProcess {
  url: string;
  pid: number;
  startupSeconds: number;
  control<T>(method: "GET" | "POST", route: string, body: unknown, schema: z.ZodType<T>): Promise<T>;
  stop(): Promise<void>;
}

const speciesSchema = z.array(z.object({ guid: z.string(), scientificName: z.string(), vernacularName: z.string(), count: z.number() }));
export type SimulatorSpecies = z.infer<typeof speciesSchema>[number];

/** `nodeArgs`: e.g. ["--cpu-prof"] to profile the simulator's side of a run. */
export async function startSimulatorProcess(records: number, seed: number, nodeArgs: string[] = []): Promise<SimulatorProcess> {
  const started = performance.now();
  const child = await startChild({
    script: "scripts/simulator.ts",
    args: ["--records", String(records), "--seed", String(seed)],
    // Its columns and indexes for 5 million records are well past Node's default heap.
    env: { NODE_OPTIONS: "--max-old-space-size=8192" },
    nodeArgs,
    ready: /ALA simulator listening on (\S+)/,
  });
  const startupSeconds = (performance.now() - started) / 1000;

  async function control<T>(method: "GET" | "POST", route: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const response = await fetch(`${child.url}/__control${route}`, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify(body) : undefined,
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`simulator control ${route}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return schema.parse(json);
  }

  return { ...child, startupSeconds, control };
}

/** Live species with their record counts, largest first. */
export async function speciesByCount(sim: SimulatorProcess): Promise<SimulatorSpecies[]> {
  const list = await sim.control("GET", "/species", undefined, speciesSchema);
  return list.sort((a, b) => b.count - a.count);
}

/** Re-georeferences `count` random records (the simulator's default change), which moves their lastLoadDate to now. */
export async function changeRecords(sim: SimulatorProcess, count: number): Promise<number> {
  const { uuids } = await sim.control("POST", "/records/update", { count }, z.object({ uuids: z.array(z.string()) }));
  return uuids.length;
}
