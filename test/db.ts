import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { closePool } from "@/lib/db/pool";
import { disconnectPrisma } from "@/lib/db/prisma";
import { TEST_DB_PREFIX, withDatabase } from "./database-url";

export interface TestDatabase {
  url: string;
  name: string;
  /** A pool of its own, for the test's direct checks. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database copied from the run's template. It also becomes this process's
 * DATABASE_URL, so lib/db's pool() and prisma() talk to it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("adminDatabaseUrl");
  const template = inject("templateDatabase");
  const ppid = template.slice(template.lastIndexOf("_") + 1);
  const name = `${TEST_DB_PREFIX}${ppid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two files copying the template at the same instant can collide; a retry settles it.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  await closePool();
  await disconnectPrisma();
  process.env.DATABASE_URL = url;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return {
    url,
    name,
    pool,
    async drop() {
      await endPool(pool);
      await closePool();
      await disconnectPrisma();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Ends a pool and waits until its connections are closed. pg-pool's end() resolves once it has
 * asked them to close, not once they have: a DROP DATABASE … WITH (FORCE) right after it can
 * terminate one still closing, and the pool, with no error listener, throws that as uncaught.
 */
async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on("remove", () => {
      if (--open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}
