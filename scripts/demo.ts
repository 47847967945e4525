/**
 * `npm run demo [-- --records N --seed S --simulator-port P]`: Edgar exactly as `npm start` runs it, fed by the
 * bundled ALA simulator instead of the real ALA, on its own data directory (./.data-demo unless
 * DATA_DIR is set). The worker's first sync fills the map within a minute, with no internet.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { log } from "@/lib/log";
import { startSimulator } from "@/lib/simulator";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "50000" },
    seed: { type: "string", default: "1" },
    /** 0: any free port. A fixed one lets tests drive the simulator's control API. */
    "simulator-port": { type: "string", default: "0" },
  },
  strict: true,
});
for (const name of ["records", "seed", "simulator-port"] as const) {
  if (!/^\d+$/.test(values[name])) {
    console.error(`--${name} must be a whole number, got "${values[name]}"`);
    process.exit(2);
  }
}

const sim = await startSimulator({ records: Number(values.records), seed: Number(values.seed), port: Number(values["simulator-port"]) });
log.info({ url: sim.url, records: sim.world.liveCount }, "ALA simulator started for the demo");

const root = path.resolve(import.meta.dirname, "..");
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    DATA_DIR: process.env.DATA_DIR || path.join(root, ".data-demo"),
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
  void sim.close().finally(() => process.exit(code ?? 1));
});
