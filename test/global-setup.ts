import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { TEMPLATE_PREFIX, TEST_DB_PREFIX, withDatabase } from "./database-url";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/**
 * One real PostgreSQL per test run (the embedded one, or DATABASE_URL's server), with a migrated
 * template database that each test file copies (test/db.ts).
 */
export default async function setup(project: TestProject) {
  const external = process.env.DATABASE_URL;
  let tmp: string | undefined;
  let stopServer = async () => {};
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-test-"));
    const server = await startEmbeddedDatabase(tmp, { ephemeral: true });
    adminUrl = server.url;
    stopServer = server.stop;
  }
  const template = `${TEMPLATE_PREFIX}${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${template}"`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await migrate(withDatabase(adminUrl, template));
  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("templateDatabase", template);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2",
      [template, `${TEST_DB_PREFIX}${process.pid}_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
    await stopServer();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  };
}
