/**
 * `npm run demo [-- --records N --seed S --simulator-port P --second-atlas]`: Edgar exactly as `npm start` runs it, fed by the
 * bundled ALA simulator instead of the real ALA, on its own data directory (./.data-demo unless
 * DATA_DIR is set). The worker's first sync fills the map within a minute, with no internet.
 * The simulator keeps its port across restarts (remembered in the data directory), so the
 * demo's ALA addresses stay the same. `--second-atlas` starts a second simulator beside it, with
 * other record and taxon ids, to add as a Living Atlas source (docs/sources.md).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { log } from "@/lib/log";
import { startSimulator } from "@/lib/simulator";
import { startOnRememberedPort } from "@/lib/simulator/remembered-port";
import { writeClimateLayers } from "@/lib/simulator/climate";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "50000" },
    seed: { type: "string", default: "1" },
    /** 0 (default): the port the last demo on this data directory used, else any free one. A fixed one lets tests drive the simulator's control API. */
    "simulator-port": { type: "string", default: "0" },
    "second-atlas": { type: "boolean", default: false },
  },
  strict: true,
});
for (const name of ["records", "seed", "simulator-port"] as const) {
  if (!/^\d+$/.test(values[name])) {
    console.error(`--${name} must be a whole number, got "${values[name]}"`);
    process.exit(2);
  }
}

const root = path.resolve(import.meta.dirname, "..");
const dataDir = process.env.DATA_DIR || path.join(root, ".data-demo");

const options = { records: Number(values.records), seed: Number(values.seed) };
const asked = Number(values["simulator-port"]);
const sim = asked !== 0 ? await startSimulator({ ...options, port: asked }) : await startOnRememberedPort(path.join(dataDir, "simulator-port"), options);
log.info({ url: sim.url, records: sim.world.liveCount }, "ALA simulator started for the demo");

// Another atlas (its own record ids, NBN-style taxon ids, a fifth of the records), on its own remembered port.
const second = values["second-atlas"]
  ? await startOnRememberedPort(path.join(dataDir, "second-atlas-port"), { records: Math.ceil(options.records / 5), seed: options.seed + 1, taxonIdPrefix: "NBNSYS" })
  : null;
if (second) {
  log.info({ url: second.url, records: second.world.liveCount }, "second atlas simulator started for the demo");
  console.log(
    `Second atlas at ${second.url}: add it in /admin → Sources (Living Atlas, that URL, any email), or\n` +
      `  DATA_DIR=${dataDir} npm run source -- add --kind living_atlas --name "Second atlas" --biocache-url ${second.url} --email demo@example.org`,
  );
}

// The simulator's synthetic climate (current and SSP2-4.5 2050, 2070), registered by the worker, so
// the suitability models work offline. Written once per data directory.
const layerSetsDir = process.env.LAYER_SETS_DIR || path.join(dataDir, "layers");
if (!existsSync(path.join(layerSetsDir, "ssp245-2070", "layer-set.json"))) {
  await writeClimateLayers(layerSetsDir);
  log.info({ dir: layerSetsDir }, "simulated climate layers written");
}

const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    LAYER_SETS_DIR: layerSetsDir,
    // Models only for the species someone opens, on a small background: the demo stays light.
    MODEL_FIT_ALL: process.env.MODEL_FIT_ALL || "false",
    MODEL_BACKGROUND: process.env.MODEL_BACKGROUND || "1000",
    ALA_BIOCACHE_URL: sim.url,
    ALA_IMAGES_URL: sim.url,
    // The simulator answers at once: retry it quickly rather than with the ALA's 10 s back-off.
    SYNC_RETRY_BASE_MS: process.env.SYNC_RETRY_BASE_MS || "200",
    // The simulator's download service takes any well-formed address, and prepares downloads in moments.
    ALA_DOWNLOAD_EMAIL: process.env.ALA_DOWNLOAD_EMAIL || "demo@example.org",
    SYNC_DOWNLOAD_POLL_MS: process.env.SYNC_DOWNLOAD_POLL_MS || "250",
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
  void Promise.all([sim.close(), second?.close()]).finally(() => process.exit(code ?? 1));
});
