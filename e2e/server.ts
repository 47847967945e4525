import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { startOutsideWorld } from "./outside";
import { VETTING_PORT } from "./outside-ports";
import { DATA_DIR, SYSTEM_LOG } from "./system";

/**
 * The system under end-to-end test: `npm run demo`'s own code (the production build, web +
 * worker, fed by the ALA simulator) on a fresh data directory, so every e2e run begins from
 * nothing and the worker's first sync loads the simulator's records.
 */
const E2E_RECORDS = 20_000;
const E2E_SEED = 3;
/** Where tests reach the simulator's control API (e2e/simulator.ts). */
const SIMULATOR_PORT = process.env.E2E_SIMULATOR_PORT ?? "3211";
/** Vettings are pushed to a receiver that e2e/range-imports.spec.ts runs there (lib/simulator/vetting-receiver.ts), on its own port apart from the identity provider. */
const VETTING_PUSH = {
  ALA_VETTING_URL: `http://127.0.0.1:${VETTING_PORT}/ws/vettings`,
  ALA_VETTING_API_KEY: "e2e-vetting-push-key",
  VETTING_PUSH_INTERVAL_MS: "300",
  VETTING_PUSH_RETRY_BASE_MS: "500",
  VETTING_PUSH_RETRY_MAX_MS: "2000",
};

const root = path.resolve(import.meta.dirname, "..");
fs.rmSync(DATA_DIR, { recursive: true, force: true });
fs.mkdirSync(DATA_DIR, { recursive: true });

// The identity provider and mail server Edgar talks to, up before Edgar asks them anything.
const outside = await startOutsideWorld(`http://127.0.0.1:${process.env.E2E_PORT ?? "3210"}`);

const child = spawn(
  process.execPath,
  ["--import", "tsx", path.join(root, "scripts", "demo.ts"), "--records", String(E2E_RECORDS), "--seed", String(E2E_SEED), "--simulator-port", SIMULATOR_PORT],
  {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...VETTING_PUSH, ...outside.env, DATA_DIR, PORT: process.env.E2E_PORT ?? "3210", SYNC_CRON: "", DATABASE_URL: "", LOG_LEVEL: "trace" },
  },
);
// Every line goes to the log file (swept by e2e/sensitive-logs.teardown.ts); the console shows what it showed before trace logging (info and up).
const logFile = fs.createWriteStream(SYSTEM_LOG, { flags: "a" });
for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
  readline.createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
    logFile.write(`${line}\n`);
    const level = /^\{"level":(\d+)/.exec(line)?.[1];
    if (level === undefined || Number(level) >= 30) to.write(`${line}\n`);
  });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
