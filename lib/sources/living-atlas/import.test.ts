/**
 * A second Living Atlas beside the ALA, end to end: the ALA simulator and a second simulator with
 * taxon ids of its own (and a few sightings the ALA holds too) synced into one database by the
 * same sync code, then an incremental run after changes at the second atlas, then its outage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postSource } from "@/app/api/admin/sources/route";
import { POST as syncNow } from "@/app/api/admin/sources/[id]/sync/route";
import { actor, apiRequest, params, useTestSecret } from "@/lib/auth/test-support";
import { queue, stopQueue } from "@/lib/jobs/queue";
import type { Simulator } from "@/lib/simulator";
import { runSync } from "@/lib/sync/run";
import { lastImportAt } from "@/lib/sync/runs";
import { changeWorld, configureAlaFor, simulator, TEST_DOWNLOAD_EMAIL } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { handleSourceClock, handleSourceDue, handleSourceSync, SOURCE_QUEUES, type SourceDueJob, type SourceSyncJob } from "../jobs";
import { addSource, getSource, type Source } from "../registry";
import { runSource } from "../run";
import { atlasRecords, countsThatDiffer, differences, expectedAtlas as expectedAtlasOf, shareSightings as shareAlaSightings } from "../test-support";

useTestSecret();

let db: TestDatabase;
let ala: Simulator;
let atlas: Simulator;
let source: Source;

beforeAll(async () => {
  db = await createTestDatabase();
  ala = await simulator({ records: 3000, seed: 7 });
  // Another seed (other record ids, other sightings) and taxon ids of its own: species join by name.
  atlas = await simulator({ records: 1500, seed: 11, taxonIdPrefix: "NBNSYS" });
  configureAlaFor(ala);
});
afterAll(async () => {
  await stopQueue();
  await ala?.close();
  await atlas?.close();
  await db?.drop();
});

const localOf = (sourceId: number) => atlasRecords(db.pool, sourceId);
const expectedAtlas = (sourceId = source.id) => expectedAtlasOf(db.pool, atlas, sourceId);
const countsAddUp = () => countsThatDiffer(db.pool);
/** The ALA's sightings the second atlas shares: these of its records get the ALA record's species, day and place. */
const shared = new Map<string, string>();
const shareSightings = (count: number) => void shareAlaSightings(ala, atlas, count, shared);

describe("a second Living Atlas", () => {
  it("syncs beside the ALA with the same sync: its records under its own source id, species matched by name, shared sightings once", async () => {
    const first = await runSync({ kind: "full" });
    expect(first.status).toBe("succeeded");
    const alaImport = await lastImportAt(db.pool);
    const alaRecords = await localOf(1);

    shareSightings(12);
    source = await addSource(db.pool, { kind: "living_atlas", name: "Second atlas", settings: { biocacheUrl: atlas.url, email: TEST_DOWNLOAD_EMAIL } });
    const result = await runSource(db.pool, source.id);
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");

    const { records, unmatched } = await expectedAtlas();
    const local = await localOf(source.id);
    expect(differences(local, records)).toEqual([]);
    expect(records.size).toBeGreaterThan(1000);
    expect(result.added).toBe(records.size);
    // Species the ALA's list lacks: skipped, counted and listed for admins, never created.
    expect(unmatched.size).toBeGreaterThan(0);
    expect(result.skippedByReason.unmatchedName).toBe([...unmatched.values()].reduce((a, b) => a + b, 0));
    const listed = await db.pool.query<{ name: string; records: number }>("SELECT name, records FROM source_unmatched_names WHERE source_id = $1", [source.id]);
    expect(new Map(listed.rows.map((r) => [r.name, r.records]))).toEqual(unmatched);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM species WHERE guid LIKE 'NBNSYS%'")).rows[0].n).toBe(0);

    // The shared sightings point at the ALA's records; the counts count them once.
    for (const [atlasId, alaId] of shared) expect(local.get(atlasId)?.duplicateOf).toBe(alaId);
    expect(await countsAddUp()).toEqual([]);

    // Its own run history and last import time (the sync run's start); the ALA's untouched.
    const after = (await getSource(db.pool, source.id))!;
    const syncRun = await db.pool.query("SELECT r.source_id, r.started_at, r.kind FROM source_runs s JOIN sync_runs r ON r.id = s.sync_run_id WHERE s.id = $1", [result.runId]);
    expect(syncRun.rows[0]).toMatchObject({ source_id: source.id, kind: "incremental" });
    expect(after.lastImportAt).toEqual(syncRun.rows[0].started_at);
    expect(after.records).toBe(records.size);
    expect(after.lastRun).toMatchObject({ status: "succeeded", added: records.size });
    expect(await lastImportAt(db.pool)).toEqual(alaImport);
    expect(await localOf(1)).toEqual(alaRecords);
  });

  it("an incremental run after adds, updates, deletes, a split, a merge and a retirement at the second atlas ends equal to it", async () => {
    const previous = (await getSource(db.pool, source.id))!.lastImportAt!;
    const alaRecords = await localOf(1);
    changeWorld(atlas);
    const result = await runSource(db.pool, source.id);
    expect(result.error).toBeNull();
    const { records, unmatched } = await expectedAtlas();
    expect(differences(await localOf(source.id), records)).toEqual([]);
    expect(result.added + result.updated + result.deleted).toBeGreaterThan(0);
    const run = await db.pool.query("SELECT r.since FROM source_runs s JOIN sync_runs r ON r.id = s.sync_run_id WHERE s.id = $1", [result.runId]);
    expect(run.rows[0].since).toEqual(previous);
    // The split's new western species joins the ALA's by its binomial; the list stays the species the ALA lacks.
    const listed = await db.pool.query<{ name: string }>("SELECT name FROM source_unmatched_names WHERE source_id = $1", [source.id]);
    expect(new Set(listed.rows.map((r) => r.name))).toEqual(new Set(unmatched.keys()));
    expect(await countsAddUp()).toEqual([]);
    expect(await localOf(1)).toEqual(alaRecords);
  });

  it("when the second atlas answers 500s, its run fails with the reason, losing nothing, and the ALA syncs on", async () => {
    const before = await localOf(source.id);
    const importedAt = (await getSource(db.pool, source.id))!.lastImportAt;
    const alaImport = await lastImportAt(db.pool);
    atlas.world.addRecords({ count: 10 });
    atlas.faults.set({ rules: [{ mode: "500", rate: 1 }] });
    try {
      const result = await runSource(db.pool, source.id);
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(/500/);
      expect(result.error).toContain(atlas.url);
    } finally {
      atlas.faults.set({ rules: [] });
    }
    expect(await localOf(source.id)).toEqual(before);
    expect((await getSource(db.pool, source.id))!.lastImportAt).toEqual(importedAt);
    expect((await getSource(db.pool, source.id))!.lastRun).toMatchObject({ status: "failed" });
    expect(await lastImportAt(db.pool)).toEqual(alaImport);

    // The ALA's next sync is not held up by the failed one, and leaves the atlas's records alone.
    const alaRun = await runSync();
    expect(alaRun.status).toBe("succeeded");
    expect(alaRun.resumed).toBe(false);
    expect(await localOf(source.id)).toEqual(before);
    // And the atlas's next run fetches what the failed one missed.
    const again = await runSource(db.pool, source.id);
    expect(again.status).toBe("succeeded");
    expect(differences(await localOf(source.id), (await expectedAtlas()).records)).toEqual([]);
  });

  it("several at once: another atlas source added and synced from the admin API (the Sources panel), in the legacy field style", async () => {
    const [researcher, admin] = await Promise.all([actor("researcher"), actor("admin")]);
    const body = { kind: "living_atlas", name: "Legacy atlas", settings: { biocacheUrl: atlas.url, email: TEST_DOWNLOAD_EMAIL, fieldStyle: "legacy" }, cron: "0 5 * * *" };
    const added = await postSource(apiRequest("POST", "/api/admin/sources", admin, body));
    expect(added.status).toBe(201);
    const legacy = (await added.json()) as { id: number };
    const sync = (who: { cookie: string }) => syncNow(apiRequest("POST", `/api/admin/sources/${legacy.id}/sync`, who), params({ id: String(legacy.id) }));
    expect((await sync(researcher)).status).toBe(403);
    expect((await sync(admin)).status).toBe(202);

    // The worker's handler runs the queued job.
    const [job] = await (await queue()).fetch<SourceSyncJob>(SOURCE_QUEUES.sync);
    expect(job.data).toEqual({ sourceId: legacy.id });
    await handleSourceSync(job.data);
    const after = (await getSource(db.pool, legacy.id))!;
    expect(after.lastRun).toMatchObject({ status: "succeeded", error: null });
    expect(after.cron).toBe("0 5 * * *");

    const local = await localOf(legacy.id);
    expect(differences(local, (await expectedAtlas(legacy.id)).records)).toEqual([]);
    // The same sightings as the first atlas source's: each with a day and a place is a duplicate of an earlier source's record.
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM occurrences WHERE source = $1 AND event_date IS NOT NULL AND lat IS NOT NULL AND duplicate_of IS NULL",
      [legacy.id],
    );
    expect(rows[0].n).toBe(0);
    expect(await countsAddUp()).toEqual([]);
    // Each source keeps its own count.
    expect((await getSource(db.pool, source.id))!.records).toBe(local.size);

    // Its own schedule: once its cron comes due, the sources' clock syncs it (and not the unscheduled one), incrementally.
    expect(await handleSourceClock(new Date(Date.now() + 2 * 86_400_000))).toEqual([legacy.id]);
    const [due] = await (await queue()).fetch<SourceDueJob>(SOURCE_QUEUES.due);
    await handleSourceDue(due.data);
    const scheduled = (await getSource(db.pool, legacy.id))!;
    expect(scheduled.lastRun).toMatchObject({ status: "succeeded", added: 0, updated: 0, deleted: 0 });
    expect(scheduled.lastImportAt!.getTime()).toBeGreaterThan(after.lastImportAt!.getTime());
  });

  it("without a download email, a first import that needs the atlas's download service fails saying so, storing nothing", async () => {
    const bare = await addSource(db.pool, { kind: "living_atlas", name: "No account", settings: { biocacheUrl: atlas.url } });
    const result = await runSource(db.pool, bare.id);
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/"No account" has no download email/);
    expect(result.error).not.toContain("ALA_DOWNLOAD_EMAIL");
    expect((await localOf(bare.id)).size).toBe(0);
    expect((await getSource(db.pool, bare.id))!.lastImportAt).toBeNull();
  });
});

