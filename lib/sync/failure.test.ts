/**
 * When retries run out: the run fails with the reason and the failing request, the last import
 * time stays where it was, nothing is shown as finished, and the next run makes up for it.
 */
import { describe, expect, it } from "vitest";
import type { ProgressSnapshot } from "./progress";
import { runSync } from "./run";
import { lastImportAt } from "./runs";
import { changeWorld, clientFor, differences, staleSpeciesCounts } from "./test-support";
import { syncFixture } from "./test-fixture";

const f = syncFixture({ records: 900, seed: 21 });

/** A run whose ALA starts answering 503 to everything once `when` says so. Downloads of 300 records, so a full import reads several. */
async function failingRun(kind: "full" | "incremental", when: (p: ProgressSnapshot) => boolean) {
  let broken = false;
  try {
    return await runSync({
      kind,
      client: clientFor(f.sim, { retries: 2 }),
      downloadRecords: 300,
      onProgress: (p) => {
        if (!broken && when(p)) {
          broken = true;
          f.sim.faults.set({ rules: [{ mode: "503", rate: 1 }] });
        }
      },
    });
  } finally {
    f.sim.faults.clear();
  }
}

const runRows = async () =>
  (await f.db.pool.query<{ id: number; status: string; finished_at: Date | null }>("SELECT id, status, finished_at FROM sync_runs ORDER BY id")).rows;

describe("a sync whose requests keep failing", () => {
  it("fails in the species phase with the failing request, having written nothing", async () => {
    const result = await failingRun("full", () => true);
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^ALA request failed after 3 attempts: HTTP 503 \(http:\/\/127\.0\.0\.1:\d+\/occurrences\/facets\?/);
    expect(result.run!.errorDetail).toMatchObject({ status: 503, attempts: 3, url: expect.stringContaining("/occurrences/facets?") });
    expect(result.run!.finishedAt).not.toBeNull();
    expect((await f.db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n).toBe(0);
    expect(await lastImportAt(f.db.pool)).toBeNull();
  });

  it("fails mid-fetch; what was committed is consistent, the last import time is unset, and the next run completes it", async () => {
    const result = await failingRun("full", (p) => p.phase === "fetch" && p.total > 0 && p.done >= p.total / 3);
    expect(result.status).toBe("failed");
    // A full import reads through offline downloads: a request, a status poll or a zip failed.
    expect(result.error).toMatch(/^ALA request failed after 3 attempts: HTTP 503 \(.*\/(occurrences\/offline\/|biocache-download\/)/);
    expect(result.run!.errorDetail).toMatchObject({ status: 503, attempts: 3, url: expect.stringMatching(/\/(occurrences\/offline\/|biocache-download\/)/) });
    // Part of the records arrived; the species counts agree with them; nothing says "done".
    const stored = (await f.db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n;
    expect(stored).toBeGreaterThan(0);
    expect(await differences(f.db.pool, f.sim)).not.toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    expect(await lastImportAt(f.db.pool)).toBeNull();
    expect((await runRows()).map((r) => r.status)).toEqual(["failed", "failed"]);

    // A failed run is finished, not resumed: the next one starts afresh and, with no last import
    // time, fetches everything.
    const next = await runSync({ client: clientFor(f.sim) });
    expect(next.status).toBe("succeeded");
    expect(next.resumed).toBe(false);
    expect(next.run!.since).toBeNull();
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    expect(await lastImportAt(f.db.pool)).toEqual(new Date(next.run!.startedAt!));
  });

  it("fails while reconciling an incremental run; the next run fetches from the same last import time and ends equal", async () => {
    const before = await lastImportAt(f.db.pool);
    changeWorld(f.sim);
    const result = await failingRun("incremental", (p) => p.phase === "reconcile" && p.total > 0);
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^ALA request failed after 3 attempts: HTTP 503/);
    expect(result.run!.since).toBe(before!.toISOString());
    expect(await lastImportAt(f.db.pool)).toEqual(before);
    expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);

    const next = await runSync({ client: clientFor(f.sim) });
    expect(next.status).toBe("succeeded");
    expect(next.run!.since).toBe(before!.toISOString());
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await lastImportAt(f.db.pool)).toEqual(new Date(next.run!.startedAt!));
    expect((await runRows()).map((r) => r.status)).toEqual(["failed", "failed", "succeeded", "failed", "succeeded"]);
    expect((await runRows()).every((r) => r.finished_at !== null)).toBe(true);
  });
});
