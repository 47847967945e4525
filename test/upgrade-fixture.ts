/**
 * A database at the schema just before one migration, for tests of what that migration does to
 * existing data: `migrateBefore()` builds it, the test inserts rows, `migrateUnderTest()` applies
 * the migration alone (later ones may expect data the test does not make).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { MIGRATIONS_DIR, migrate } from "@/lib/db/migrate";
import { TEST_DB_PREFIX, withDatabase } from "./database-url";

export interface UpgradeFixture {
  /** A client of the database (set once beforeAll has run). */
  db: pg.Client;
  migrateBefore(): Promise<string[]>;
  migrateUnderTest(): Promise<string[]>;
}

export function upgradeFixture(migration: string): UpgradeFixture {
  let admin: pg.Client;
  let name: string;
  let url: string;
  let before: string;
  const f = {
    migrateBefore: () => migrate(url, before),
    async migrateUnderTest() {
      await fs.cp(path.join(MIGRATIONS_DIR, migration), path.join(before, migration), { recursive: true });
      return migrate(url, before);
    },
  } as UpgradeFixture;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
    await admin.connect();
    name = `${TEST_DB_PREFIX}upgrade_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    url = withDatabase(inject("adminDatabaseUrl"), name);
    f.db = new pg.Client({ connectionString: url });
    await f.db.connect();
    before = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-upgrade-"));
    for (const m of (await fs.readdir(MIGRATIONS_DIR)).filter((m) => m < migration)) {
      await fs.cp(path.join(MIGRATIONS_DIR, m), path.join(before, m), { recursive: true });
    }
  });
  afterAll(async () => {
    await f.db?.end();
    await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.end();
    await fs.rm(before, { recursive: true, force: true });
  });
  return f;
}
