import type pg from "pg";

/**
 * Rows of a query in batches from a server-side cursor, in one read-only transaction (one
 * snapshot): only one batch is ever in memory, and the next is fetched only when asked for, so a
 * slow client slows the query instead of filling the server's memory. Returning early (or an
 * error) closes the cursor and gives the connection back.
 */
export async function* cursorBatches<Row>(db: pg.Pool, sql: string, params: unknown[], batchSize = 2000): AsyncGenerator<Row[]> {
  const client = await db.connect();
  let failed: unknown;
  try {
    await client.query("BEGIN READ ONLY");
    await client.query(`DECLARE download NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<Row & pg.QueryResultRow>(`FETCH ${batchSize} FROM download`);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) break;
    }
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    // COMMIT also closes the cursor; after a failure the connection is dropped rather than reused.
    if (failed === undefined) await client.query("COMMIT").catch((err: unknown) => (failed = err));
    client.release(failed instanceof Error ? failed : undefined);
  }
}
