import type pg from "pg";
import { pool } from "./pool";

/** How the transaction starts: a plain one, or one read-only snapshot (what a build reads stays consistent). */
const BEGIN = { write: "BEGIN", snapshot: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" } as const;

/**
 * Runs `work` in a transaction on one connection of `db` (the shared pool unless given):
 * committed if it returns, rolled back if it throws.
 */
export async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>, db: pg.Pool = pool(), mode: keyof typeof BEGIN = "write"): Promise<T> {
  const client = await db.connect();
  try {
    await client.query(BEGIN[mode]);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
