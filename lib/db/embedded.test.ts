import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runningEmbeddedUrl, startEmbeddedDatabase } from "./embedded";

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-embedded-"));
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

async function count(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("CREATE TABLE IF NOT EXISTS kept (n int)");
  await c.query("INSERT INTO kept VALUES (1)");
  const { rows } = await c.query("SELECT count(*)::int AS n FROM kept");
  await c.end();
  return rows[0].n;
}

describe("embedded PostgreSQL", () => {
  it("keeps its data across restarts and refuses a second server on the same directory", async () => {
    const first = await startEmbeddedDatabase(dir, { ephemeral: true });
    try {
      expect(await count(first.url)).toBe(1);
      // Other commands (npm run sync, npm run user) attach to the running server instead.
      expect(await runningEmbeddedUrl(dir)).toBe(first.url);
      await expect(startEmbeddedDatabase(dir, { ephemeral: true })).rejects.toThrow(/already in use by another Edgar/);
    } finally {
      await first.stop();
    }
    expect(await runningEmbeddedUrl(dir)).toBeUndefined();
    const again = await startEmbeddedDatabase(dir, { ephemeral: true });
    try {
      expect(await count(again.url)).toBe(2);
    } finally {
      await again.stop();
    }
  });
});
