import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The system under end-to-end test: `npm run demo`'s own code (the production build, web +
 * worker, fed by the ALA simulator) on a fresh data directory, so every e2e run begins from
 * nothing and the worker's first sync loads the simulator's records.
 */
const E2E_RECORDS = 20_000;
const E2E_SEED = 3;
/** Where tests reach the simulator's control API (e2e/simulator.ts). */
const SIMULATOR_PORT = process.env.E2E_SIMULATOR_PORT ?? "3211";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data-e2e");
fs.rmSync(dataDir, { recursive: true, force: true });

const child = spawn(
  process.execPath,
  ["--import", "tsx", path.join(root, "scripts", "demo.ts"), "--records", String(E2E_RECORDS), "--seed", String(E2E_SEED), "--simulator-port", SIMULATOR_PORT],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATA_DIR: dataDir, PORT: process.env.E2E_PORT ?? "3210", SYNC_CRON: "", DATABASE_URL: "" },
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
