/**
 * From a vetting to the map's colours: create, change and delete vettings as people do, then let
 * the queued job run (the worker's handler) and check every record's classification.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/lib/auth/roles";
import { useTestSecret } from "@/lib/auth/test-support";
import { createOrUpdateUser } from "@/lib/auth/users";
import { classificationCode as code } from "@/lib/domain/codes";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { handleApplyVettings } from "@/lib/jobs/handlers";
import { queue, QUEUES, stopQueue, type ApplyVettingsJob } from "@/lib/jobs/queue";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertRecords, insertSpecies, recordStates, speciesStats } from "./test-fixtures";
import { createVetting, deleteVetting, updateVetting } from "./vettings";

useTestSecret();
const KV = code.known_valid, AV = code.assumed_valid, AI = code.assumed_invalid, KI = code.known_invalid;

let db: TestDatabase;
let alice: AuthUser, bob: AuthUser;
beforeAll(async () => {
  db = await createTestDatabase();
  const make = async (name: string) => {
    const { user } = await createOrUpdateUser({ email: `${name}@example.org`, password: "long enough password", role: "expert", name });
    return { ...user, via: "session" as const };
  };
  [alice, bob] = await Promise.all([make("alice"), make("bob")]);
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

/** What the worker does: take every queued re-classification job and run its handler. */
async function runQueuedJobs(): Promise<number[]> {
  const boss = await queue();
  const handled: number[] = [];
  for (;;) {
    const jobs = await boss.fetch<ApplyVettingsJob>(QUEUES.applyVettings, { batchSize: 10 });
    if (jobs.length === 0) return handled;
    for (const job of jobs) {
      await handleApplyVettings(job.data);
      await boss.complete(QUEUES.applyVettings, job.id);
      handled.push(job.data.speciesId);
    }
  }
}

const records = (ids: number[]) => recordStates(db.pool, ids);
const species = (id: number) => speciesStats(db.pool, id);

describe("vettings re-classify their species through the job", () => {
  it("applies precedence (latest covering vetting, else the rating) and flags disagreement between experts", async () => {
    const sp = await insertSpecies(db.pool, "Pitta versicolor");
    const other = await insertSpecies(db.pool, "Pitta iris");
    const ids = await insertRecords(db.pool, sp, [
      { lon: 140.5, lat: -29.5, rating: AV }, // A only
      { lon: 141.5, lat: -29.5, rating: AI }, // A and B
      { lon: 142.5, lat: -29.5, rating: AV }, // B only
      { lon: 150, lat: -20, rating: AI }, // nowhere
      { lon: null, lat: null, rating: AV }, // no position
    ]);
    const [elsewhere] = await insertRecords(db.pool, other, [{ lon: 140.5, lat: -29.5, rating: AV }]);

    const a = await createVetting(alice, { speciesId: sp, classification: "known_invalid", area: squarePolygon(140, -30, 142, -29), comment: null });
    // The request only stored the vetting; the records change when the job runs.
    expect(await records(ids)).toEqual([[AV, false], [AI, false], [AV, false], [AI, false], [AV, false]]);
    expect(await runQueuedJobs()).toEqual([sp]);
    expect(await records(ids)).toEqual([[KI, false], [KI, false], [AV, false], [AI, false], [AV, false]]);
    expect(await species(sp)).toMatchObject({ known_invalid_count: 2, assumed_valid_count: 2, assumed_invalid_count: 1, data_version: 2 });

    // A second expert disagrees over part of the area: the latest wins there, and it is contentious.
    const b = await createVetting(bob, { speciesId: sp, classification: "known_valid", area: squarePolygon(141, -30, 143, -29), comment: "seen breeding" });
    await runQueuedJobs();
    expect(await records(ids)).toEqual([[KI, false], [KV, true], [KV, false], [AI, false], [AV, false]]);
    expect(await species(sp)).toMatchObject({ known_valid_count: 2, known_invalid_count: 1, contentious_count: 1, data_version: 3 });

    // The first expert changing her own mind is not a disagreement.
    await createVetting(alice, { speciesId: sp, classification: "known_valid", area: squarePolygon(140, -30, 141, -29), comment: null });
    await runQueuedJobs();
    expect(await records(ids)).toEqual([[KV, false], [KV, true], [KV, false], [AI, false], [AV, false]]);

    // An edit makes a vetting the latest judgement: alice's A now wins everywhere it covers (over
    // her own later C, without contention; over bob's B, contentious).
    await updateVetting(alice, a.id, { comment: "still invalid" });
    await runQueuedJobs();
    expect(await records(ids)).toEqual([[KI, false], [KI, true], [KV, false], [AI, false], [AV, false]]);

    // Deleting bob's vetting settles the disagreement and returns B-only records to their rating.
    await deleteVetting(bob, b.id);
    await runQueuedJobs();
    expect(await records(ids)).toEqual([[KI, false], [KI, false], [AV, false], [AI, false], [AV, false]]);
    expect(await species(sp)).toMatchObject({ known_valid_count: 0, known_invalid_count: 2, contentious_count: 0 });

    // Another species' record at the same place never changed.
    expect(await records([elsewhere])).toEqual([[AV, false]]);
    expect((await species(other)).data_version).toBe(1);
  });
});
