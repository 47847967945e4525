/**
 * A fresh embedded PostgreSQL for one bench run, with the settings `npm start` uses (durable,
 * fsync on), migrated, in a temporary directory that is removed afterwards.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
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
