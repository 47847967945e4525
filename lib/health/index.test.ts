import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { health } from "./index";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("health", () => {
  it("is ok with no sync yet", async () => {
    expect(await health()).toEqual({ ok: true, db: "ok", lastSync: null });
  });

  it("reports the latest sync run", async () => {
    await db.pool.query(`INSERT INTO sync_runs (kind, status, finished_at) VALUES ('full', 'failed', '2026-01-01T00:00:00Z')`);
    await db.pool.query(`INSERT INTO sync_runs (kind, status, finished_at) VALUES ('incremental', 'succeeded', '2026-01-02T03:04:05Z')`);
    expect((await health()).lastSync).toEqual({ status: "succeeded", finishedAt: "2026-01-02T03:04:05.000Z" });
  });

  it("says the database is unavailable instead of throwing", async () => {
    await closePool();
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "postgresql://nobody:wrong@127.0.0.1:1/none";
    try {
      expect(await health()).toEqual({ ok: false, db: "unavailable", lastSync: null });
    } finally {
      await closePool();
      process.env.DATABASE_URL = saved;
    }
  });
});
