/**
 * The database restarted under a running sync (a real stop and start of PostgreSQL on the same
 * data, every session ended): the run ends failed or is left to resume, nothing half-done shows,
 * and the next run in the same process (its pool reconnecting) ends equal to the ground truth,
 * with the last import time moved once, by that success.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { disconnectPrisma } from "@/lib/db/prisma";
import type { Simulator } from "@/lib/simulator";
import type { ProgressSnapshot } from "./progress";
import { runSync } from "./run";
import { lastImportAt } from "./runs";
import { restartableDatabase, type RestartableDatabase } from "./test-restartable-db";
import { changeWorld, clientFor, differences, simulator, staleSpeciesCounts } from "./test-support";

let db: RestartableDatabase;
let sim: Simulator;
let check: pg.Pool;
let restarts = 0;

beforeAll(async () => {
  db = await restartableDatabase();
  process.env.DATABASE_URL = db.url;
  await closePool();
  await disconnectPrisma();
  check = new pg.Pool({ connectionString: db.url, max: 2 });
  // Its idle connections die with each restart; the pool opens new ones.
  check.on("error", () => undefined);
  sim = await simulator({ records: 1500, seed: 13 });
});
afterAll(async () => {
  await check?.end();
  await closePool();
  await sim?.close();
  await db?.close();
});

const runs = async () => (await check.query<{ id: number; status: string; started_at: Date }>("SELECT id, status, started_at FROM sync_runs ORDER BY id")).rows;

/** Restarts the database once the run reaches `at`; then a second run must finish the job. */
async function restartDuring(kind: "full" | "incremental", at: (p: ProgressSnapshot) => boolean): Promise<void> {
  const before = { imported: await lastImportAt(check), runs: (await runs()).length };
  // Slow answers (15 ms) keep the run inside the chosen phase while the database goes down, and it
  // still queries the database many times during the second a restart takes, so it notices.
  sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 15 });
  let reached: (p: ProgressSnapshot) => void = () => undefined;
  const point = new Promise<ProgressSnapshot>((resolve) => (reached = resolve));
  const interrupted = runSync({ kind, client: clientFor(sim, 10), onProgress: (p) => at(p) && reached(p) }).then(
    (r) => r.status,
    (err: Error) => `threw: ${err.message}`,
  );
  const where = await Promise.race([point, interrupted.then((status) => `ended (${status}) before the restart point`)]);
  expect(where).toMatchObject({ phase: expect.any(String) });
  await db.restart();
  restarts++;
  const outcome = await interrupted;
  sim.faults.clear();
  const { phase, done, total } = where as ProgressSnapshot;
  console.log(`reliability: database restart ${restarts} during ${kind === "full" ? "a full" : "an incremental"} run (${phase} ${done}/${total}): interrupted run ${outcome}`);
  // The interrupted run did not finish, so it moved nothing.
  expect(outcome).not.toBe("succeeded");
  expect(await lastImportAt(check)).toEqual(before.imported);

  const next = await runSync({ kind, client: clientFor(sim, 10) });
  expect({ status: next.status, error: next.error }).toEqual({ status: "succeeded", error: null });
  expect(await differences(check, sim)).toEqual([]);
  expect(await staleSpeciesCounts(check)).toEqual([]);
  const added = (await runs()).slice(before.runs);
  // Either the interrupted run was resumed (one row) or it failed and a new one started over (two).
  expect(added.map((r) => r.status)).toEqual(next.resumed ? ["succeeded"] : ["failed", "succeeded"]);
  expect(await lastImportAt(check)).toEqual(added.at(-1)!.started_at);
  console.log(`reliability: after database restart ${restarts} the next run ${next.resumed ? "resumed the interrupted one" : "started over"} and ended equal`);
}

describe("the database restarted during a sync", () => {
  it("while a first import is fetching: the next run ends equal", () =>
    restartDuring("full", (p) => p.phase === "fetch" && p.done >= 300));

  it("while an incremental run reconciles: the next run ends equal", async () => {
    changeWorld(sim);
    await restartDuring("incremental", (p) => p.phase === "reconcile");
  });

  it("while listing species: the next run ends equal", async () => {
    changeWorld(sim, 0.5);
    await restartDuring("incremental", (p) => p.phase === "species");
  });
});
