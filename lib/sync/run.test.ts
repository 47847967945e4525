import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "@/lib/simulator";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { runSync } from "./run";
import { clientFor, differences, expectedCopy, simulator, staleSpeciesCounts, type ExpectedRecord } from "./test-support";

let db: TestDatabase;
let sim: Simulator;

beforeAll(async () => {
  db = await createTestDatabase();
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
  await db.drop();
});

const lastImportAt = async () => (await db.pool.query("SELECT last_import_at FROM sync_state")).rows[0].last_import_at as Date | null;

describe("runSync", () => {
  it("full import: the local copy equals the simulator's world", async () => {
    const result = await runSync({ kind: "full", client: clientFor(sim) });
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    expect(await differences(db.pool, sim)).toEqual([]);
    expect(await staleSpeciesCounts(db.pool)).toEqual([]);

    const expected = expectedCopy(sim);
    const run = result.run!;
    expect(run.counts.skipped).toBe(expected.skipped.basisOfRecord);
    expect(run.skippedByReason).toEqual(expected.skipped);
    expect(run.counts.added).toBe(expected.records.size);
    expect(run.localTotal).toBe(expected.records.size);
    expect(run.remoteTotal).toBe(expected.records.size);
    expect((await lastImportAt())?.toISOString()).toBe(run.startedAt);
  });

  it("incremental: after adds, updates, deletes, a split, a merge and a retirement, equal again, touching only what changed", async () => {
    const before = expectedCopy(sim).records;
    const versionsBefore = await dataVersions();
    const previousImport = await lastImportAt();
    const bySize = sim.world.speciesList().filter((s) => !s.retired).sort((a, b) => b.count - a.count);
    const [split, from, into] = bySize;
    const retired = bySize.find((s) => s.count >= 5 && s.count <= 40 && ![split, from, into].includes(s))!;

    const w = sim.world;
    w.addRecords({ count: 60 });
    w.updateRecords({ count: 40 });
    w.deleteRecords({ count: 25 });
    const { species: western } = w.splitSpecies({ guid: split.guid, fraction: 0.4 });
    w.mergeSpecies({ from: from.guid, into: into.guid });
    w.retireSpecies({ guid: retired.guid });
    const after = expectedCopy(sim).records;

    const result = await runSync({ kind: "incremental", client: clientFor(sim) });
    expect(result.error).toBeNull();
    expect(await differences(db.pool, sim)).toEqual([]);
    expect(await staleSpeciesCounts(db.pool)).toEqual([]);

    // Exactly the changes, counted as such.
    const diff = changes(before, after);
    expect(Math.min(diff.added, diff.updated, diff.deleted)).toBeGreaterThan(0);
    expect(result.run!.since).toBe(previousImport!.toISOString());
    expect(result.run!.counts).toMatchObject({ added: diff.added, updated: diff.updated, deleted: diff.deleted });
    const versionsAfter = await dataVersions();
    const bumped = [...versionsAfter].filter(([guid, v]) => v !== versionsBefore.get(guid)).map(([guid]) => guid);
    expect(bumped.sort()).toEqual([...diff.species].sort());

    const status = async (guid: string) =>
      (await db.pool.query("SELECT s.status, a.guid AS accepted FROM species s LEFT JOIN species a ON a.id = s.accepted_species_id WHERE s.guid = $1", [guid])).rows[0];
    expect(await status(from.guid)).toEqual({ status: "merged", accepted: into.guid });
    expect(await status(retired.guid)).toEqual({ status: "retired", accepted: null });
    expect(await status(western.guid)).toEqual({ status: "active", accepted: null });
    expect(await lastImportAt()).toEqual(new Date(result.run!.startedAt!));
  });

  it("a second incremental run with nothing changed changes nothing", async () => {
    const versions = await dataVersions();
    const result = await runSync({ client: clientFor(sim) });
    expect(result.run!.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(await dataVersions()).toEqual(versions);
    expect(await differences(db.pool, sim)).toEqual([]);
  });
});

async function dataVersions(): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ guid: string; data_version: number }>("SELECT guid, data_version FROM species");
  return new Map(rows.map((r) => [r.guid, r.data_version]));
}

/** What an incremental run must do to go from one expected copy to the other. */
function changes(before: Map<string, ExpectedRecord>, after: Map<string, ExpectedRecord>) {
  const species = new Set<string>();
  let added = 0;
  let updated = 0;
  let deleted = 0;
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b) {
      added++;
      species.add(a.guid);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      updated++;
      species.add(a.guid).add(b.guid);
    }
  }
  for (const [id, b] of before) {
    if (!after.has(id)) {
      deleted++;
      species.add(b.guid);
    }
  }
  return { added, updated, deleted, species };
}
