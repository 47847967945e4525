/**
 * The worker's job handlers on a real database and queue (pg-boss), syncing from the simulator:
 * the first sync of a fresh database, the schedule skipping while a sync is active, orphaned runs
 * resumed only when nobody holds their lock, and runs worked elsewhere left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "@/lib/simulator";
import { tryAcquireSyncLock } from "@/lib/sync/lock";
import { failRun, getRun, insertRun, startRun } from "@/lib/sync/runs";
import { configureAlaFor, differences, simulator } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertRecords, insertSpecies } from "@/lib/tiles/test-helpers";
import { handleScheduledSync, handleSync, prebuildTileCells, queueFirstSync, resumeOrphanedSync } from "./handlers";
import { queue, QUEUES, stopQueue, type SyncJob } from "./queue";

let db: TestDatabase;
let sim: Simulator;

beforeAll(async () => {
  sim = await simulator({ records: 400, seed: 17 });
  configureAlaFor(sim); // the handlers use the configured client, as the worker does
  db = await createTestDatabase();
});
afterAll(async () => {
  await stopQueue();
  await sim?.close();
  await db?.drop();
});

const rows = async () =>
  (await db.pool.query<{ id: number; kind: string; status: string; trigger: string }>("SELECT id, kind, status, trigger FROM sync_runs ORDER BY id")).rows;

/** A run row marked running by a process that is gone (nobody holds the sync lock). */
async function orphan(): Promise<number> {
  const id = await insertRun(db.pool, { kind: "incremental", trigger: "admin" });
  await startRun(db.pool, id);
  return id;
}

describe("queueFirstSync", () => {
  it("queues a full sync on a database that never synced, once; the worker's job then runs it", async () => {
    const runId = await queueFirstSync();
    expect(runId).toEqual(expect.any(Number));
    expect(await rows()).toEqual([{ id: runId, kind: "full", status: "queued", trigger: "startup" }]);
    const jobs = await (await queue()).fetch<SyncJob>(QUEUES.sync);
    expect(jobs.map((j) => j.data)).toEqual([{ runId }]);

    expect(await queueFirstSync()).toBeNull();
    expect(await rows()).toHaveLength(1);

    const result = await handleSync({ runId: runId! });
    expect(result).toMatchObject({ runId, status: "succeeded", resumed: false });
    expect(await differences(db.pool, sim)).toEqual([]);
    // A database that has synced before never gets another "first" sync.
    expect(await queueFirstSync()).toBeNull();
    expect(await rows()).toHaveLength(1);
  });
});

describe("handleScheduledSync", () => {
  it("is skipped while a sync is queued or running, and runs an incremental sync otherwise", async () => {
    const queued = await insertRun(db.pool, { kind: "full", trigger: "admin" });
    expect(await handleScheduledSync()).toBeNull();
    await startRun(db.pool, queued);
    expect(await handleScheduledSync()).toBeNull();
    expect((await rows()).filter((r) => r.trigger === "schedule")).toEqual([]);
    await failRun(db.pool, queued, "test", null);

    sim.world.addRecords({ count: 15 });
    const result = await handleScheduledSync();
    expect(result).toMatchObject({ status: "succeeded", kind: "incremental" });
    expect((await rows()).at(-1)).toMatchObject({ id: result!.runId, trigger: "schedule", status: "succeeded" });
    expect(await differences(db.pool, sim)).toEqual([]);
  });
});

describe("resumeOrphanedSync", () => {
  it("resumes a running run whose lock nobody holds", async () => {
    sim.world.deleteRecords({ count: 12 });
    const id = await orphan();
    const result = await resumeOrphanedSync();
    expect(result).toMatchObject({ runId: id, status: "succeeded", resumed: true });
    expect(await differences(db.pool, sim)).toEqual([]);
  });

  it("leaves alone a running run whose lock is held (its process is alive)", async () => {
    const id = await orphan();
    const lock = await tryAcquireSyncLock(db.url);
    try {
      expect(await resumeOrphanedSync()).toBeNull();
      expect((await getRun(db.pool, id))!.status).toBe("running");
    } finally {
      await lock!.release();
    }
    expect(await resumeOrphanedSync()).toMatchObject({ runId: id, status: "succeeded" });
  });

  it("gives a queued run's job a minute to arrive, then runs it", async () => {
    const id = await insertRun(db.pool, { kind: "incremental", trigger: "admin" });
    expect(await resumeOrphanedSync()).toBeNull();
    expect((await getRun(db.pool, id))!.status).toBe("queued");
    await db.pool.query("UPDATE sync_runs SET queued_at = now() - interval '2 minutes' WHERE id = $1", [id]);
    expect(await resumeOrphanedSync()).toMatchObject({ runId: id, status: "succeeded", resumed: false });
  });

  it("does nothing when no run is queued or running", async () => {
    const before = await rows();
    expect(await resumeOrphanedSync()).toBeNull();
    expect(await rows()).toEqual(before);
  });
});

describe("handleSync", () => {
  it("returns null for a run another process is running, and leaves it as it is", async () => {
    const id = await orphan();
    const lock = await tryAcquireSyncLock(db.url);
    try {
      expect(await handleSync({ runId: id })).toBeNull();
      expect(await getRun(db.pool, id)).toMatchObject({ status: "running", error: null, finished_at: null });
    } finally {
      await lock!.release();
    }
    expect(await handleSync({ runId: id })).toMatchObject({ runId: id, status: "succeeded", resumed: true });
  });

  it("does nothing for a run that already finished (a repeated job)", async () => {
    const [first] = await rows();
    const before = await rows();
    expect(await handleSync({ runId: first.id })).toMatchObject({ runId: first.id, status: "succeeded" });
    expect(await rows()).toEqual(before);
  });
});

describe("prebuildTileCells", () => {
  it("prebuilds the coarse tile cells of species with 100 000 records or more, for their current version", async () => {
    const [large, small] = [await insertSpecies(db.pool, "urn:cells:large"), await insertSpecies(db.pool, "urn:cells:small")];
    await insertRecords(db.pool, large, 100_000);
    await insertRecords(db.pool, small, 99_999);
    await db.pool.query("UPDATE species SET occurrence_count = (SELECT count(*) FROM occurrences o WHERE o.species_id = species.id), data_version = 7 WHERE id IN ($1, $2)", [large, small]);
    await prebuildTileCells();
    const { rows: cells } = await db.pool.query("SELECT species_id, data_version FROM tile_cells");
    expect(cells).toEqual([{ species_id: large, data_version: 7 }]);
  });
});
