/**
 * A simulator that keeps its port across restarts: the port is remembered in a file, so addresses
 * built from it (the demo's ALA_BIOCACHE_URL and ALA_IMAGES_URL) stay the same. A remembered
 * port another process now holds falls back to any free one.
 */
import fs from "node:fs";
import path from "node:path";
import { log } from "@/lib/log";
import { startSimulator, type Simulator, type SimulatorOptions } from "./index";

export async function startOnRememberedPort(portFile: string, options: Omit<SimulatorOptions, "port">): Promise<Simulator> {
  const remembered = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, "utf8").trim()) : 0;
  let sim: Simulator | undefined;
  if (Number.isInteger(remembered) && remembered > 0 && remembered < 65536) {
    sim = await startSimulator({ ...options, port: remembered }).catch((err: unknown) => {
      log.warn({ port: remembered, err: err instanceof Error ? err.message : String(err) }, "the simulator's remembered port is taken; using another");
      return undefined;
    });
  }
  sim ??= await startSimulator({ ...options, port: 0 });
  fs.mkdirSync(path.dirname(portFile), { recursive: true });
  fs.writeFileSync(portFile, new URL(sim.url).port);
  return sim;
}
