import { describe, expect, it } from "vitest";
import { imageMetadata } from "@/lib/simulator/images";
import { runSync } from "./run";
import { lastImportAt } from "./runs";
import { changeWorld, clientFor, differences, expectedCopy, localCopy, staleSpeciesCounts, type ExpectedRecord } from "./test-support";
import { syncFixture } from "./test-fixture";

const f = syncFixture();

const lastImport = () => lastImportAt(f.db.pool);

describe("runSync", () => {
  it("full import: the local copy equals the simulator's world", async () => {
    const result = await runSync({ kind: "full", client: clientFor(f.sim) });
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);

    const expected = expectedCopy(f.sim);
    const run = result.run!;
    expect(run.counts.skipped).toBe(expected.skipped.basisOfRecord);
    expect(run.skippedByReason).toEqual(expected.skipped);
    expect(run.counts.added).toBe(expected.records.size);
    expect(run.localTotal).toBe(expected.records.size);
    expect(run.remoteTotal).toBe(expected.records.size);
    expect((await lastImport())?.toISOString()).toBe(run.startedAt);

    // Image metadata: asked of the images service once per record with an image, and only for those.
    const withImages = [...expected.records.values()].filter((r) => r.imageId !== null);
    expect(withImages.length).toBeGreaterThan(0);
    expect(f.sim.requests.snapshot().image).toBe(withImages.length);
    const { rows: images } = await f.db.pool.query<{ source_id: string; image_id: string; license: string; creator: string; fetched_at: Date | null }>(
      "SELECT o.source_id, i.image_id, i.license, i.creator, i.fetched_at FROM occurrence_images i JOIN occurrences o ON o.id = i.occurrence_id",
    );
    expect(images).toHaveLength(withImages.length);
    for (const image of images) {
      const truth = imageMetadata(f.sim.world, f.sim.world.recordIndex(image.source_id), 0, f.sim.url);
      expect(image).toMatchObject({ image_id: truth.imageIdentifier, license: truth.license, creator: truth.creator, fetched_at: expect.any(Date) });
    }
  });

  it("incremental: after adds, updates, deletes, a split, a merge and a retirement, equal again, touching only what changed", async () => {
    const before = expectedCopy(f.sim).records;
    const versionsBefore = await dataVersions();
    const previousImport = await lastImport();
    const { from, into, retired, western } = changeWorld(f.sim);
    const after = expectedCopy(f.sim).records;

    const result = await runSync({ kind: "incremental", client: clientFor(f.sim) });
    expect(result.error).toBeNull();
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);

    // Exactly the changes, counted as such.
    const diff = changes(before, after);
    expect(Math.min(diff.added, diff.updated, diff.deleted)).toBeGreaterThan(0);
    expect(result.run!.since).toBe(previousImport!.toISOString());
    expect(result.run!.counts).toMatchObject({ added: diff.added, updated: diff.updated, deleted: diff.deleted });
    const versionsAfter = await dataVersions();
    const bumped = [...versionsAfter].filter(([guid, v]) => v !== versionsBefore.get(guid)).map(([guid]) => guid);
    expect(bumped.sort()).toEqual([...diff.species].sort());

    const status = async (guid: string) =>
      (await f.db.pool.query("SELECT s.status, a.guid AS accepted FROM species s LEFT JOIN species a ON a.id = s.accepted_species_id WHERE s.guid = $1", [guid])).rows[0];
    expect(await status(from.guid)).toEqual({ status: "merged", accepted: into.guid });
    expect(await status(retired.guid)).toEqual({ status: "retired", accepted: null });
    expect(await status(western.guid)).toEqual({ status: "active", accepted: null });
    expect(await lastImport()).toEqual(new Date(result.run!.startedAt!));
  });

  it("when the deleted-records service answers, deletions come from it", async () => {
    f.sim.world.deletedService = true;
    try {
      f.sim.requests.reset();
      const stored = new Set((await localCopy(f.db.pool)).keys());
      const gone = f.sim.world.deleteRecords({ count: 15 });
      const relevant = gone.filter((id) => stored.has(id));
      expect(relevant.length).toBeGreaterThan(0);
      const result = await runSync({ client: clientFor(f.sim) });
      expect(result.status).toBe("succeeded");
      expect(f.sim.requests.snapshot().deleted).toBe(1);
      expect(result.run!.counts.deleted).toBe(relevant.length);
      expect(await differences(f.db.pool, f.sim)).toEqual([]);
    } finally {
      f.sim.world.deletedService = false;
    }
  });

  it("a second incremental run with nothing changed changes nothing", async () => {
    const versions = await dataVersions();
    const result = await runSync({ client: clientFor(f.sim) });
    expect(result.run!.counts).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(await dataVersions()).toEqual(versions);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
  });
});

async function dataVersions(): Promise<Map<string, number>> {
  const { rows } = await f.db.pool.query<{ guid: string; data_version: number }>("SELECT guid, data_version FROM species");
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
