/**
 * The usual setting of a sync integration test file: a fresh database and a simulator, made
 * before its tests and dropped after them. Fields are set once beforeAll has run.
 */
import { afterAll, beforeAll } from "vitest";
import type { Simulator, SimulatorOptions } from "@/lib/simulator";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { simulator } from "./test-support";

export interface SyncFixture {
  db: TestDatabase;
  sim: Simulator;
}

export function syncFixture(options: SimulatorOptions = {}): SyncFixture {
  const f = {} as SyncFixture;
  beforeAll(async () => {
    f.db = await createTestDatabase();
    f.sim = await simulator(options);
  });
  afterAll(async () => {
    await f.sim?.close();
    await f.db?.drop();
  });
  return f;
}
