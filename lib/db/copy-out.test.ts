import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { copyOut } from "./copy-out";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** Rows of every width from 1 to 300 bytes, so that message headers fall across the socket's chunks. */
const WIDE = `COPY (SELECT g, repeat('x', g % 300) FROM generate_series(1, 60000) g) TO STDOUT (FORMAT binary)`;

async function read(stream: NodeJS.ReadableStream, slow = false): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) {
    parts.push(Buffer.from(part as Buffer));
    // A slow reader: the stream must stop reading the socket and go on where it stopped.
    if (slow && parts.length % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return Buffer.concat(parts);
}

async function withClient(run: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await db.pool.connect();
  try {
    await run(client);
  } finally {
    client.release();
  }
}

describe("copyOut", () => {
  it("streams the same bytes as pg-copy-streams, with the row count, for a fast and a slow reader", async () => {
    await withClient(async (client) => {
      const reference = await read(client.query(copyTo(WIDE)));
      const fast = client.query(copyOut(WIDE));
      expect((await read(fast)).equals(reference)).toBe(true);
      expect(fast.rowCount).toBe(60000);
      expect((await read(client.query(copyOut(WIDE)), true)).equals(reference)).toBe(true);
      expect(reference.length).toBeGreaterThan(9_000_000);
      // The connection is handed back whole: the next query reads its own answer.
      expect((await client.query<{ n: number }>("SELECT 41 + 1 AS n")).rows[0].n).toBe(42);
    });
  });

  it("fails with PostgreSQL's error when the COPY fails part way, and the connection goes on", async () => {
    await withClient(async (client) => {
      const stream = client.query(copyOut("COPY (SELECT 1 / (30000 - g), repeat('y', 100) FROM generate_series(1, 40000) g) TO STDOUT"));
      let bytes = 0;
      await expect(
        (async () => {
          for await (const part of stream) bytes += (part as Buffer).length;
        })(),
      ).rejects.toThrow(/division by zero/);
      expect(bytes).toBeGreaterThan(0);
      expect((await client.query<{ n: number }>("SELECT 7 AS n")).rows[0].n).toBe(7);
    });
  });

  it("fails, not hangs, when the server ends the connection part way", async () => {
    const client = await db.pool.connect();
    const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    // The pool's client dies with its connection: its error is expected, not a crash.
    client.on("error", () => undefined);
    try {
      const stream = client.query(copyOut("COPY (SELECT g, repeat('z', 200) FROM generate_series(1, 5000000) g) TO STDOUT"));
      let bytes = 0;
      await expect(
        (async () => {
          for await (const part of stream) {
            if (bytes === 0) await db.pool.query("SELECT pg_terminate_backend($1)", [pid]);
            bytes += (part as Buffer).length;
          }
        })(),
      ).rejects.toThrow(/terminat/);
      expect(bytes).toBeGreaterThan(0);
    } finally {
      client.release(true);
    }
  });

  it("fails with the error of a statement that does not start", async () => {
    await withClient(async (client) => {
      await expect(read(client.query(copyOut("COPY (SELECT * FROM no_such_table) TO STDOUT")))).rejects.toThrow(/no_such_table/);
      expect((await client.query<{ n: number }>("SELECT 8 AS n")).rows[0].n).toBe(8);
    });
  });

  it("reads an empty result", async () => {
    await withClient(async (client) => {
      const stream = client.query(copyOut("COPY (SELECT 1 WHERE false) TO STDOUT"));
      expect((await read(stream)).length).toBe(0);
      expect(stream.rowCount).toBe(0);
    });
  });
});
