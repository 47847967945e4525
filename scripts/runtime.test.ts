import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { openDatabase } from "./runtime";

let dir: string;
let db: TestDatabase;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-runtime-"));
  // As root, the embedded server runs as `postgres`, which must reach DATA_DIR inside this folder.
  await fs.chmod(dir, 0o755);
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function appliedMigrations(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    return rows[0].n;
  } finally {
    await c.end();
  }
}

describe("openDatabase (what npm start, the worker and the CLIs open)", () => {
  it("uses DATABASE_URL's server when it is set, and starts no embedded one", async () => {
    const dataDir = path.join(dir, "with-url");
    const opened = await openDatabase(parseConfig({ DATABASE_URL: db.url, DATA_DIR: dataDir }));
    expect(opened.url).toBe(db.url);
    expect(opened.embedded).toBeUndefined();
    expect(existsSync(path.join(dataDir, "pg"))).toBe(false);
    expect(await appliedMigrations(db.url)).toBeGreaterThan(0);
  });

  it("starts the embedded PostgreSQL in DATA_DIR/pg otherwise; others attach to it; a restart keeps data and re-applies nothing", async () => {
    const config = parseConfig({ DATA_DIR: path.join(dir, "embedded") });
    const first = await openDatabase(config);
    let applied: number;
    try {
      expect(first.embedded?.dataDir).toBe(path.join(config.DATA_DIR, "pg"));
      applied = await appliedMigrations(first.url);
      expect(applied).toBeGreaterThan(0);
      await query(first.url, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");

      const attached = await openDatabase(config, { attach: true });
      expect(attached.url).toBe(first.url);
      expect(attached.embedded).toBeUndefined();
    } finally {
      await first.embedded?.stop();
    }
    const again = await openDatabase(config);
    try {
      expect(await appliedMigrations(again.url)).toBe(applied);
      expect((await query(again.url, "SELECT n FROM kept")).rows).toEqual([{ n: 42 }]);
    } finally {
      await again.embedded?.stop();
    }
  });
});

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}
