/**
 * The sync at a size where the ALA's 5 000-record page depth matters: 200 000 records with species
 * of 60 000 and 12 000, a full import and an incremental run after adds, updates, deletes, a split
 * and a merge, each ending equal to the simulator's ground truth; and runs SIGKILLed while their
 * downloads are queued and while a zip is being read, which resume without asking the ALA again.
 */
import { describe, expect, it } from "vitest";
import { MAX_ASKED } from "./downloads";
import { isSyncLockHeld } from "./lock";
import { runSync } from "./run";
import { lastImportAt } from "./runs";
import { clientFor, differences, expectedCopy, staleSpeciesCounts } from "./test-support";
import { eventually, spawnTs } from "./test-process";
import { syncFixture } from "./test-fixture";

const f = syncFixture({ records: 200_000, seed: 13 });

/** Species whose stored record count is not the ground truth's: `guid: local / expected`. */
async function shortfall(): Promise<string[]> {
  const expected = new Map<string, number>();
  for (const r of expectedCopy(f.sim).records.values()) expected.set(r.guid, (expected.get(r.guid) ?? 0) + 1);
  const { rows } = await f.db.pool.query<{ guid: string; n: number }>(
    "SELECT s.guid, count(o.id)::int AS n FROM species s LEFT JOIN occurrences o ON o.species_id = s.id GROUP BY s.guid",
  );
  const local = new Map(rows.map((r) => [r.guid, r.n]));
  return [...new Set([...expected.keys(), ...local.keys()])]
    .filter((g) => (local.get(g) ?? 0) !== (expected.get(g) ?? 0))
    .map((g) => `${g}: ${local.get(g) ?? 0} / ${expected.get(g) ?? 0}`);
}

describe("200 000 records through the ALA's page depth", () => {
  it("a full import, with species of 60 000 and 12 000 records, ends equal", { timeout: 300_000 }, async () => {
    const bySize = f.sim.world.speciesList().sort((a, b) => b.count - a.count);
    f.sim.world.addRecords({ count: 60_000 - bySize[0].count, species: bySize[0].guid });
    f.sim.world.addRecords({ count: 12_000 - bySize[5].count, species: bySize[5].guid });
    const sizes = f.sim.world.speciesList().map((s) => s.count);
    expect(sizes).toContain(60_000);
    expect(sizes).toContain(12_000);

    const result = await runSync({ kind: "full", client: clientFor(f.sim) });
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    expect(await shortfall()).toEqual([]);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    expect(f.sim.requests.snapshot().download).toBeGreaterThan(0);
  });

  it("an incremental run after adds, updates, deletes, a split and a merge of the largest species ends equal", { timeout: 300_000 }, async () => {
    f.sim.requests.reset();
    const w = f.sim.world;
    const [split, from, into] = w.speciesList().sort((a, b) => b.count - a.count);
    expect(split.count).toBeGreaterThanOrEqual(60_000);
    w.addRecords({ count: 1200 });
    w.updateRecords({ count: 800 });
    w.deleteRecords({ count: 500 });
    w.splitSpecies({ guid: split.guid, fraction: 0.4, scientificName: `${split.scientificName} occidentalis` });
    w.mergeSpecies({ from: from.guid, into: into.guid });
    const result = await runSync({ client: clientFor(f.sim) });
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    expect(await shortfall()).toEqual([]);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    // Small changed slices by search, the split's 24 000 moved records by download.
    const asked = f.sim.requests.snapshot();
    expect(asked.search).toBeGreaterThan(0);
    expect(asked.download).toBeGreaterThan(0);
    expect(await lastImportAt(f.db.pool)).toEqual(new Date(result.run!.startedAt!));
  });
});

describe("a download-based run killed and resumed", () => {
  const child = () =>
    spawnTs("lib/sync/test-child.ts", [], { DATABASE_URL: f.db.url, SIM_URL: f.sim.url, SYNC_KIND: "full", SYNC_DOWNLOAD_RECORDS: "40000" });

  const runs = async () => (await f.db.pool.query<{ id: number; status: string }>("SELECT id, status FROM sync_runs ORDER BY id")).rows;
  const downloads = async (runId: number) =>
    (await f.db.pool.query<{ state: string }>("SELECT state FROM sync_downloads WHERE run_id = $1", [runId])).rows.map((r) => r.state);

  async function kill(until: () => Promise<boolean>) {
    const c = child();
    let exited = false;
    void c.exited.then(() => (exited = true));
    await eventually(
      "the moment to kill the sync",
      async () => {
        if (exited) throw new Error(`the sync ended before it could be killed\n${c.stdout().slice(-800)}`);
        return until();
      },
      120_000,
    );
    c.process.kill("SIGKILL");
    expect(await c.exited).toBe("SIGKILL");
    await eventually("the killed sync's lock to be released", async () => !(await isSyncLockHeld(f.db.pool)), 10_000);
  }

  it("killed while its downloads are queued, then while a zip is read: resumes without asking again, ends equal", { timeout: 300_000 }, async () => {
    // Queued long enough that the downloads asked for (MAX_ASKED at a time) are seen asked and not yet ready.
    f.sim.downloads.settings.queueMs = 30_000;
    f.sim.requests.reset();
    const before = (await runs()).length;
    await kill(async () => {
      const run = (await runs())[before];
      if (!run) return false;
      const states = await downloads(run.id);
      // All it may ask recorded, so it only polls now: no request is on its way when it is killed.
      const requested = states.filter((s) => s === "requested").length;
      return states.length > MAX_ASKED && requested === MAX_ASKED && states.every((s) => s === "requested" || s === "pending");
    });
    const run = (await runs())[before];
    expect(run.status).toBe("running");
    expect(f.sim.requests.snapshot().download).toBe(MAX_ASKED);
    f.sim.downloads.settings.queueMs = 200;

    // Again, once a zip is fetched and being read (its records arriving).
    await kill(async () => {
      const states = await downloads(run.id);
      const { rows } = await f.db.pool.query<{ done: string }>("SELECT done FROM sync_runs WHERE id = $1", [run.id]);
      return states.includes("finished") && Number(rows[0].done) > 0;
    });
    const states = await downloads(run.id);
    expect(states.filter((s) => s !== "imported").length).toBeGreaterThan(0);

    const c = child();
    expect(await c.exited).toBe(0);
    const last = JSON.parse(c.stdout().trim().split("\n").pop()!) as { result: { runId: number; status: string; resumed: boolean } };
    expect(last.result).toMatchObject({ runId: run.id, status: "succeeded", resumed: true });
    // Not one download asked for twice: the resumed process polled and read what the dead ones had
    // asked for. (The second process may have been killed between asking for one and recording it:
    // that one, unrecorded, was asked again.)
    const { rows: again } = await f.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_downloads WHERE run_id = $1 AND attempts > 0", [run.id]);
    expect(again[0].n).toBe(0);
    const recorded = (await downloads(run.id)).length;
    expect(f.sim.requests.snapshot().download).toBeGreaterThanOrEqual(recorded);
    expect(f.sim.requests.snapshot().download).toBeLessThanOrEqual(recorded + 1);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
  });
});
