import type pg from "pg";
import { pool } from "./pool";

/**
 * Runs `work` in a transaction on one connection of `db` (the shared pool unless given):
 * committed if it returns, rolled back if it throws.
 */
export async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>, db: pg.Pool = pool()): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
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
