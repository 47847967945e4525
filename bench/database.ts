/**
 * A fresh embedded PostgreSQL for one bench run, with the settings `npm start` uses (durable,
 * fsync on), migrated, in a temporary directory that is removed afterwards.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { closePool, pool as appPool } from "@/lib/db/pool";
import { migrate } from "@/lib/db/migrate";
import { processTree, type ProcessTree } from "./procstat";

export interface BenchDatabase {
  url: string;
  pool: pg.Pool;
  version: string;
  /** The postmaster and its backends, for memory and CPU figures. */
  processes: ProcessTree;
  stop(): Promise<void>;
}

export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-bench-"));
  const server = await startEmbeddedDatabase(dir);
  try {
    await migrate(server.url);
    const pool = new pg.Pool({ connectionString: server.url, max: 4, application_name: "edgar-bench" });
    pool.on("error", () => undefined); // idle clients cut off when the server stops at the end
    const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const pid = Number((await fs.readFile(path.join(server.dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    return {
      url: server.url,
      pool,
      version: rows[0].v,
      processes: processTree(pid),
      async stop() {
        await pool.end();
        await server.stop();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server.stop().catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A standalone bench's run (bench/distribution.ts, bench/large-species.ts): `work` on a fresh bench
 * database that is also the app's (DATABASE_URL, lib/db/pool), both closed afterwards.
 */
export async function withBenchDatabase<T>(work: (db: BenchDatabase) => Promise<T>): Promise<T> {
  const db = await startBenchDatabase();
  process.env.DATABASE_URL = db.url;
  try {
    return await work(db);
  } finally {
    appPool().on("error", () => undefined);
    await closePool();
    await db.stop();
  }
}

/** A standalone bench's `--world N` (records in the generated world): default 5 000 000, at least 1 000. */
export function worldArg(argv: readonly string[]): number {
  const at = argv.indexOf("--world");
  const records = at > 0 ? Number(argv[at + 1]) : 5_000_000;
  if (!Number.isSafeInteger(records) || records < 1000) throw new Error("--world must be a whole number of at least 1000");
  return records;
}

/** Runs `work` against a second fresh database, then points lib/db back at `restoreUrl`. */
export async function onFreshDatabase<T>(restoreUrl: string, work: (db: BenchDatabase) => Promise<T>): Promise<T> {
  await closePool();
  try {
    return await withBenchDatabase(work);
  } finally {
    process.env.DATABASE_URL = restoreUrl;
  }
}
