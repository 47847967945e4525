// The e2e system (e2e/server.ts): its data directory, its log, and its own database (the embedded
// PostgreSQL its Edgar runs), for the few checks that must look at stored rows or logs rather than
// at what the system answers.
import path from "node:path";
import pg from "pg";
import { runningEmbeddedUrl } from "../lib/db/embedded";

export const DATA_DIR = path.resolve(import.meta.dirname, "..", ".data-e2e");
/** Everything the system (simulator, web, worker) writes, at LOG_LEVEL=trace. */
export const SYSTEM_LOG = path.join(DATA_DIR, "system.log");

/** Runs `fn` with a client of the running system's database. */
export async function withSystemDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = await runningEmbeddedUrl(DATA_DIR);
  if (!url) throw new Error(`no Edgar database is running in ${DATA_DIR}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
