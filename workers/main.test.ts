/**
 * The worker as `npm start` runs it (a child process), on a fresh database fed by the simulator:
 * it runs the first sync by itself, works queued syncs, stops a sync at a safe point on SIGTERM,
 * and a restarted worker resumes that run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueSync, stopQueue } from "@/lib/jobs/queue";
import type { Simulator } from "@/lib/simulator";
import { getRun, insertRun } from "@/lib/sync/runs";
import { alaEnv, differences, simulator } from "@/lib/sync/test-support";
import { eventually, spawnTs, type Child } from "@/lib/sync/test-process";
import { createTestDatabase, type TestDatabase } from "@/test/db";

let db: TestDatabase;
let sim: Simulator;
let worker: Child | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  sim = await simulator({ records: 500, seed: 19 });
});
afterAll(async () => {
  worker?.process.kill("SIGKILL");
  await stopQueue();
  await sim?.close();
  await db?.drop();
});

const startWorker = () =>
  spawnTs("workers/main.ts", [], { ...alaEnv(sim, 5), DATABASE_URL: db.url, SYNC_CRON: "" });

const status = async (id: number) => (await getRun(db.pool, id))?.status;

describe("the worker", () => {
  it("runs the first sync of a fresh database by itself", async () => {
    worker = startWorker();
    await eventually("the first sync to succeed", async () => (await status(1)) === "succeeded");
    expect((await getRun(db.pool, 1))!).toMatchObject({ kind: "full", trigger: "startup" });
    expect(await differences(db.pool, sim)).toEqual([]);
  });

  it("works a queued sync", async () => {
    sim.world.addRecords({ count: 20 });
    const runId = await insertRun(db.pool, { kind: "incremental", trigger: "admin" });
    await enqueueSync({ runId });
    await eventually("the queued sync to succeed", async () => (await status(runId)) === "succeeded");
    expect(await differences(db.pool, sim)).toEqual([]);
  });

  it("on SIGTERM stops a sync at a safe point and exits 0; a restarted worker resumes the run", async () => {
    sim.world.updateRecords({ count: 30 });
    sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 50 });
    const runId = await insertRun(db.pool, { kind: "full", trigger: "admin" });
    await enqueueSync({ runId });
    await eventually("the sync to be fetching", async () => (await getRun(db.pool, runId))?.phase === "fetch");
    worker!.process.kill("SIGTERM");
    expect(await worker!.exited).toBe(0);
    expect(await getRun(db.pool, runId)).toMatchObject({ status: "running", finished_at: null, error: null });

    sim.faults.clear();
    worker = startWorker();
    await eventually("the restarted worker to finish the run", async () => (await status(runId)) === "succeeded");
    expect(await differences(db.pool, sim)).toEqual([]);
    worker.process.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    worker = undefined;
  });
});
