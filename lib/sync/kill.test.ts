/**
 * A sync killed outright (SIGKILL of the process running it) at chosen points, then the worker
 * killed at ten random moments of its runs: the database stays consistent, the next run (or
 * restarted worker) resumes the same run and ends equal to the ground truth, and the last import
 * time moves once per run, when it finally succeeds.
 */
import { afterAll, describe, expect, it } from "vitest";
import { enqueueSync, stopQueue } from "@/lib/jobs/queue";
import { Rng } from "@/lib/simulator/prng";
import { isSyncLockHeld } from "./lock";
import { getRun, insertRun, lastImportAt } from "./runs";
import { alaEnv, changeWorld, differences, staleSpeciesCounts } from "./test-support";
import { eventually, spawnTs } from "./test-process";
import { syncFixture } from "./test-fixture";

const f = syncFixture({ records: 1200, seed: 9 });

interface Progress {
  phase: string;
  done: number;
  total: number;
}

// Downloads of about 100 records: a full import checkpoints its species a few at a time, as a
// large one does, rather than all at once from one download.
const child = () => spawnTs("lib/sync/test-child.ts", [], { DATABASE_URL: f.db.url, SIM_URL: f.sim.url, SYNC_KIND: "full", SYNC_DOWNLOAD_RECORDS: "100" });

/**
 * Starts a sync in a child process and SIGKILLs it at the first progress that `at` picks, or,
 * given a query, as soon as the database shows what it asks for.
 */
async function killAt(at: ((p: Progress) => boolean) | { until: () => Promise<boolean> }): Promise<void> {
  const c = child();
  if (typeof at === "function") {
    await c.waitFor((line) => {
      const parsed = JSON.parse(line) as { progress?: Progress };
      return parsed.progress !== undefined && at(parsed.progress);
    });
  } else {
    let exited = false;
    void c.exited.then(() => (exited = true));
    await eventually("the point to kill the sync at", async () => {
      if (exited) throw new Error(`the sync ended before it could be killed\n${c.stdout().slice(-500)}`);
      return at.until();
    });
  }
  c.process.kill("SIGKILL");
  expect(await c.exited).toBe("SIGKILL");
  // PostgreSQL ends the dead process's sessions, and with them its lock, once it sees the socket close.
  await eventually("the killed sync's lock to be released", async () => !(await isSyncLockHeld(f.db.pool)), 10_000);
}

async function runs() {
  const { rows } = await f.db.pool.query<{ id: number; status: string; started_at: Date }>("SELECT id, status, started_at FROM sync_runs ORDER BY id");
  return rows;
}

const duplicates = async () =>
  (await f.db.pool.query("SELECT count(*)::int - count(DISTINCT (source, source_id))::int AS n FROM occurrences")).rows[0].n as number;

const checkpoints = async (runId: number) =>
  Object.fromEntries(
    (await f.db.pool.query("SELECT state, count(*)::int AS n FROM sync_run_species WHERE run_id = $1 GROUP BY state", [runId])).rows.map((r) => [r.state, r.n]),
  ) as Record<string, number>;

/** Runs the last child to its end: it must resume `runId` and succeed. */
async function finish(runId: number): Promise<void> {
  f.sim.faults.clear();
  const c = child();
  const code = await c.exited;
  const last = JSON.parse(c.stdout().trim().split("\n").pop()!) as { result: { runId: number; status: string; resumed: boolean } };
  expect({ code, ...last.result }).toEqual({ code: 0, runId, status: "succeeded", resumed: true, error: null });
}

// Slow answers keep each phase long enough to be interrupted inside it.
const slow = () => f.sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 15 });

describe("a sync killed mid-run", () => {
  it("a first import killed while listing species, and twice while fetching, resumes each time and ends equal", async () => {
    slow();
    await killAt((p) => p.phase === "species");
    const [run] = await runs();
    expect(run.status).toBe("running");

    // Early: pages fetched, nothing committed yet. Late: a dozen species committed and checkpointed.
    await killAt((p) => p.phase === "fetch" && p.done > 0);
    await killAt({ until: async () => ((await checkpoints(run.id)).fetched ?? 0) >= 12 });
    const states = await checkpoints(run.id);
    expect(states.fetched).toBeGreaterThanOrEqual(12);
    expect(states.pending).toBeGreaterThan(0);
    expect((await f.db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n).toBeGreaterThan(0);
    expect(await duplicates()).toBe(0);
    expect(await lastImportAt(f.db.pool)).toBeNull();
    expect((await runs()).map((r) => [r.id, r.status])).toEqual([[run.id, "running"]]);

    await finish(run.id);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    expect(await duplicates()).toBe(0);
    // One run, succeeded; the last import time is its first start, set once.
    const [done] = await runs();
    expect(done).toMatchObject({ id: run.id, status: "succeeded" });
    expect(await lastImportAt(f.db.pool)).toEqual(run.started_at);
    expect((await f.db.pool.query("SELECT last_run_id FROM sync_state")).rows[0].last_run_id).toBe(run.id);
  });

  it("an incremental run killed while reconciling and while fetching image metadata resumes and ends equal", async () => {
    const before = await lastImportAt(f.db.pool);
    changeWorld(f.sim);
    slow();
    await killAt((p) => p.phase === "reconcile" && p.done >= 1);
    const run = (await runs()).at(-1)!;
    expect(run.status).toBe("running");
    expect(await lastImportAt(f.db.pool)).toEqual(before);

    await killAt((p) => p.phase === "images");
    expect(await lastImportAt(f.db.pool)).toEqual(before);
    expect(await duplicates()).toBe(0);

    await finish(run.id);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    expect((await runs()).map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(await lastImportAt(f.db.pool)).toEqual(run.started_at);
  });
});

describe("the worker killed at random points", () => {
  // Seeded, so a failure names a moment that can be killed at again.
  const KILLS = 10;
  const rng = new Rng(Number(process.env.EDGAR_KILL_SEED ?? 2024));
  const startWorker = () => spawnTs("workers/main.ts", [], { ...alaEnv(f.sim, 10), DATABASE_URL: f.db.url, SYNC_CRON: "" });
  afterAll(() => stopQueue());

  it(`survives ${KILLS} SIGKILLs of the worker at random moments of incremental and full runs, each run ending equal`, { timeout: 300_000 }, async () => {
    const before = new Set((await runs()).map((r) => r.id));
    let kills = 0;
    let successes = 0;
    const lastStatus = async () => (await runs()).at(-1)?.status;
    for (let attempt = 0; kills < KILLS || (await lastStatus()) !== "succeeded"; attempt++) {
      expect(attempt).toBeLessThan(4 * KILLS);
      const importedBefore = await lastImportAt(f.db.pool);
      if ((await lastStatus()) !== "running") {
        // As an admin asks: a new run, alternately incremental and full, after the world changed.
        changeWorld(f.sim, 0.5);
        await enqueueSync({ runId: await insertRun(f.db.pool, { kind: successes % 2 ? "full" : "incremental", trigger: "admin" }) });
      }
      slow();
      // A restarted worker resumes the interrupted run at once (its orphan check).
      const worker = startWorker();
      const run = (await runs()).at(-1)!;
      const state = () => getRun(f.db.pool, run.id).then((r) => r!);
      await eventually("the worker to work the run", async () => (await state()).status === "succeeded" || (await isSyncLockHeld(f.db.pool)));
      const delay = rng.int(2500);
      if (kills < KILLS) await new Promise((r) => setTimeout(r, delay));
      const phase = await state();
      const killed = kills < KILLS && phase.status === "running" && worker.process.kill("SIGKILL");
      // (A run that finished in the instant before the kill counts as a success, not a kill.)
      if (killed && (await worker.exited) === "SIGKILL" && (await state()).status === "running") {
        kills++;
        console.log(`reliability: worker SIGKILL ${kills}, ${delay} ms into run ${run.id} (${phase.phase} ${phase.done}/${phase.total})`);
        await eventually("the killed sync's lock to be released", async () => !(await isSyncLockHeld(f.db.pool)), 10_000);
        expect(await duplicates()).toBe(0);
        // A killed run never moves the last import time.
        expect(await lastImportAt(f.db.pool)).toEqual(importedBefore);
        continue;
      }
      // It ended before the kill (or was let run): succeeded, equal, the last import time its start.
      await eventually("the run to finish", async () => (await state()).status !== "running", 120_000);
      if (worker.process.kill("SIGTERM")) expect(await worker.exited).toBe(0);
      expect((await state()).status).toBe("succeeded");
      expect(await differences(f.db.pool, f.sim)).toEqual([]);
      expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
      expect(await lastImportAt(f.db.pool)).toEqual((await state()).started_at);
      successes++;
    }
    const added = (await runs()).filter((r) => !before.has(r.id));
    // Kills start no runs of their own: every run was resumed to success.
    expect(added.map((r) => r.status)).toEqual(added.map(() => "succeeded"));
    expect(added).toHaveLength(successes);
    expect(await duplicates()).toBe(0);
    console.log(`reliability: ${kills} worker SIGKILLs survived in ${successes} runs, each ending equal; the last import time moved ${successes} times, once per run`);
  });
});
