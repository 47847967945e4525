import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The system under end-to-end test: the production build started by `npm start`'s own code,
 * on a fresh data directory, so every e2e run begins from nothing.
 */
const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data-e2e");
fs.rmSync(dataDir, { recursive: true, force: true });

const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, DATA_DIR: dataDir, PORT: process.env.E2E_PORT ?? "3210", SYNC_CRON: "", DATABASE_URL: "" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
