/**
 * Two syncs requested at once: one runs, the other is refused (never both), whether they come
 * from one process, from two processes, or as a queued run while another is running.
 */
import { describe, expect, it } from "vitest";
import { SyncAlreadyRunning } from "./errors";
import { runSync } from "./run";
import { insertRun } from "./runs";
import { clientFor, differences } from "./test-support";
import { eventually, spawnTs } from "./test-process";
import { syncFixture } from "./test-fixture";

const f = syncFixture({ records: 500, seed: 13 });

const runCount = async () => (await f.db.pool.query("SELECT count(*)::int AS n FROM sync_runs")).rows[0].n as number;
const child = () => spawnTs("lib/sync/test-child.ts", [], { DATABASE_URL: f.db.url, SIM_URL: f.sim.url, SYNC_KIND: "full" });
const outcome = (c: ReturnType<typeof child>) => JSON.parse(c.stdout().trim().split("\n").pop()!) as { result?: { runId: number; status: string }; refused?: { runId: number | null } };

describe("one sync at a time", () => {
  it("two syncs started together in one process: one runs, the other is refused", async () => {
    const [a, b] = await Promise.allSettled([runSync({ kind: "full", client: clientFor(f.sim) }), runSync({ kind: "full", client: clientFor(f.sim) })]);
    const done = [a, b].filter((r) => r.status === "fulfilled");
    const refused = [a, b].filter((r) => r.status === "rejected");
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((done[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof runSync>>>).value.status).toBe("succeeded");
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(SyncAlreadyRunning);
    expect(await runCount()).toBe(1);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
  });

  it("two processes started together: one runs, the other is refused", async () => {
    f.sim.world.addRecords({ count: 10 });
    f.sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 10 });
    const [a, b] = [child(), child()];
    const codes = (await Promise.all([a.exited, b.exited])).sort();
    f.sim.faults.clear();
    expect(codes).toEqual([0, 2]);
    const [winner, loser] = codes[0] === (await a.exited) ? [a, b] : [b, a];
    expect(outcome(winner).result).toMatchObject({ status: "succeeded" });
    expect(outcome(loser).refused).toBeDefined();
    expect(await runCount()).toBe(2);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
  });

  it("while another process runs a sync, a sync here and a queued run are both refused", async () => {
    f.sim.world.addRecords({ count: 10 });
    f.sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 20 });
    const other = child();
    await other.waitFor(/"phase":"fetch"/);
    const { rows } = await f.db.pool.query<{ id: number }>("SELECT id FROM sync_runs WHERE status = 'running'");
    expect(rows).toHaveLength(1);
    const running = rows[0].id;

    const here = await runSync({ client: clientFor(f.sim) }).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(SyncAlreadyRunning);
    expect((here as SyncAlreadyRunning).runId).toBe(running);
    const queued = await insertRun(f.db.pool, { kind: "incremental", trigger: "admin" }).catch((e: unknown) => e);
    expect(queued).toBeInstanceOf(SyncAlreadyRunning);
    expect((queued as SyncAlreadyRunning).runId).toBe(running);

    f.sim.faults.clear();
    expect(await other.exited).toBe(0);
    expect(await runCount()).toBe(3);
    // Once it is done, the next one runs.
    expect((await runSync({ client: clientFor(f.sim) })).status).toBe("succeeded");
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
  });

  it("a run that loses its lock's connection stops at the next safe point, and the next run resumes it", async () => {
    f.sim.world.addRecords({ count: 10 });
    // Slow answers keep the run waiting on the ALA, with no query of its own to notice the loss.
    f.sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 200 });
    const running = runSync({ kind: "full", client: clientFor(f.sim) });
    await eventually("the run to start", async () => (await f.db.pool.query("SELECT 1 FROM sync_runs WHERE status = 'running'")).rowCount === 1);
    // What a database restart does to the lock's session.
    // This database's lock only: the server is shared with other test files' syncs, which this would stop.
    await f.db.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'edgar-sync-lock' AND datname = current_database()");
    const stopped = await running;
    f.sim.faults.clear();
    expect(stopped.status).toBe("stopped");
    expect((await f.db.pool.query("SELECT status FROM sync_runs WHERE id = $1", [stopped.runId])).rows[0].status).toBe("running");

    const next = await runSync({ kind: "incremental", client: clientFor(f.sim) });
    expect(next).toMatchObject({ runId: stopped.runId, resumed: true, status: "succeeded" });
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
  });
});
