import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, MigrationError, migrate } from "@/lib/db/migrate";
import { createTestDatabase, type TestDatabase } from "./db";

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-migrations-"));
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function addMigration(name: string, sql: string) {
  await fs.mkdir(path.join(dir, name));
  await fs.writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function tables(): Promise<string[]> {
  const { rows } = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  return rows.map((r) => r.tablename);
}

describe("migration runner", () => {
  it("records the project's migrations in _prisma_migrations and applies nothing twice", async () => {
    const { rows } = await db.pool.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`);
    const names = (await fs.readdir(MIGRATIONS_DIR)).sort();
    expect(rows.map((r) => r.migration_name).sort()).toEqual(names);
    expect(rows.every((r) => r.finished_at && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect(await migrate(db.url)).toEqual([]);
  });

  it("applies new migrations in name order, once", async () => {
    await addMigration("20990101000000_a", "CREATE TABLE t_a (id int);");
    await addMigration("20990101000001_b", "ALTER TABLE t_a ADD COLUMN b text;");
    expect(await migrate(db.url, dir)).toEqual(["20990101000000_a", "20990101000001_b"]);
    expect(await migrate(db.url, dir)).toEqual([]);
    const { rows } = await db.pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 't_a' ORDER BY 1`);
    expect(rows.map((r) => r.column_name)).toEqual(["b", "id"]);
  });

  it("stops on a broken migration with its file name and the database error, leaving the database as it was", async () => {
    await addMigration("20990101000002_broken", "CREATE TABLE t_c (id int);\nCREATE TABLEE oops (x int);");
    const before = await tables();
    const error = await migrate(db.url, dir).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain(path.join("20990101000002_broken", "migration.sql"));
    expect(error.message).toMatch(/syntax error at or near "TABLEE"/);
    expect(await tables()).toEqual(before);
    const { rows } = await db.pool.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20990101000002_broken'`);
    expect(rows).toHaveLength(0);
    await fs.rm(path.join(dir, "20990101000002_broken"), { recursive: true });
  });

  it("refuses a migration edited after it was applied", async () => {
    await fs.writeFile(path.join(dir, "20990101000000_a", "migration.sql"), "CREATE TABLE t_a (id bigint);");
    await expect(migrate(db.url, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  it("lets concurrent starters apply a migration exactly once", async () => {
    const fresh = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-migrations-"));
    await fs.mkdir(path.join(fresh, "20990101000010_x"));
    await fs.writeFile(path.join(fresh, "20990101000010_x", "migration.sql"), "CREATE TABLE t_x (id int);");
    const results = await Promise.all([migrate(db.url, fresh), migrate(db.url, fresh), migrate(db.url, fresh)]);
    expect(results.flat()).toEqual(["20990101000010_x"]);
    await fs.rm(fresh, { recursive: true, force: true });
  });
});
