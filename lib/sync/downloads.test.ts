/**
 * Bulk reads through the ALA's offline downloads, against the simulator with the ALA's 5 000-record
 * page depth: every fault of the download service ends equal to the ground truth or fails the run
 * with a clear reason, nothing lost and the last import time unmoved; counts that still differ
 * after reconciliation fail the run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DownloadFault, Simulator } from "@/lib/simulator";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { MAX_ASKED } from "./downloads";
import type { ProgressSnapshot } from "./progress";
import { runSync, type RunSyncOptions } from "./run";
import { lastImportAt } from "./runs";
import { clientFor, differences, simulator, staleSpeciesCounts } from "./test-support";

let sim: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  sim = await simulator({ records: 3000, seed: 11 });
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.downloads.clearFaults();
  Object.assign(sim.downloads.settings, { queueMs: 20, recordsPerSecond: 1e7, maxRecords: 100_000_000 });
  sim.faults.clear();
  sim.countSkew.clear();
  sim.requests.reset();
  await db?.drop();
  // A fresh database for each case: a run that imports nothing must not pass for one that imported it all.
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** A full import in downloads of about 1 000 records (three or four of them). */
const run = (o: Partial<RunSyncOptions> = {}) => runSync({ kind: "full", client: clientFor(sim, 2), downloadRecords: 1000, ...o });

const downloadRows = async () =>
  (await db.pool.query<{ state: string; attempts: number; last_error: string | null; parent_id: number | null }>("SELECT state, attempts, last_error, parent_id FROM sync_downloads ORDER BY id")).rows;

async function expectEqual() {
  expect(await differences(db.pool, sim)).toEqual([]);
  expect(await staleSpeciesCounts(db.pool)).toEqual([]);
}

describe("a full import through offline downloads", () => {
  it("groups species into a few downloads, reads them, and ends equal, with no search page past the depth", async () => {
    const result = await run();
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    // Only records of an irrelevant basis are skipped: none unreadable, none excused as malformed.
    expect(Object.keys(result.run!.skippedByReason)).toEqual(["basisOfRecord"]);
    expect(result.run!.warnings).toEqual([]);
    await expectEqual();
    const asked = sim.requests.snapshot();
    expect(asked.download).toBeGreaterThanOrEqual(3);
    expect(asked.download).toBeLessThan(10);
    expect(asked.downloadFile).toBe(asked.download);
    expect(asked.search).toBeLessThan(500); // names of species only, never record pages
    expect((await downloadRows()).every((r) => r.state === "imported" && r.attempts === 0)).toBe(true);
    expect(await lastImportAt(db.pool)).toEqual(new Date(result.run!.startedAt!));
  });

  it("asks the ALA for at most four downloads at a time: it writes a user's one at a time, and refuses one with 50 waiting", async () => {
    let most = 0;
    const sample = setInterval(() => {
      const open = sim.downloads.state().downloads.filter((d) => d.status === "inQueue" || d.status === "running").length;
      most = Math.max(most, open);
    }, 2);
    try {
      const result = await run({ downloadRecords: 250 });
      expect(result.error).toBeNull();
      expect(result.status).toBe("succeeded");
      expect(sim.requests.snapshot().download).toBeGreaterThan(8);
      expect(most).toBeGreaterThan(1);
      // Eleven downloads, never more than four at the ALA at once.
      expect(MAX_ASKED).toBe(4);
      expect(most).toBeLessThanOrEqual(4);
      await expectEqual();
    } finally {
      clearInterval(sample);
    }
  });

  it("says what it waits for while the ALA prepares the downloads, and how far it has read one", async () => {
    sim.downloads.settings.queueMs = 400;
    const messages = new Set<string>();
    const result = await run({ onProgress: (p: ProgressSnapshot) => p.message && messages.add(p.message) });
    expect(result.status).toBe("succeeded");
    expect([...messages].some((m) => /^waiting for the ALA to prepare \d+ downloads? \([\d,.]+( M)? records\)$/.test(m))).toBe(true);
    // And how far it has read a zip, whose records count in `done` only once it checks out.
    expect([...messages].some((m) => /(^|; )reading a download: [\d,]+ records so far$/.test(m))).toBe(true);
    expect(result.run!.progress.message).toBeNull();
  });
});

describe("faults of the download service", () => {
  const askedAgain = async (fault: DownloadFault, cause: RegExp, o: Partial<RunSyncOptions> = {}) => {
    sim.downloads.addFault(fault);
    const result = await run({ downloads: { maxWaitMs: 300 }, ...o });
    expect(result.error).toBeNull();
    expect(result.status).toBe("succeeded");
    await expectEqual();
    const rows = await downloadRows();
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(1);
    expect(rows.find((r) => r.attempts === 1)!.last_error).toMatch(cause);
    // The faulted download was asked for once more; the others once.
    expect(sim.requests.snapshot().download).toBe(rows.length + 1);
  };

  it("a download stuck in the queue is cancelled and asked for again", async () => {
    await askedAgain("stuck", /still inQueue after/);
    expect(sim.requests.snapshot().downloadCancel).toBe(1);
  });
  it("a finished download whose zip is gone (404) is asked for again", () => askedAgain("gone", /zip is gone \(HTTP 404\)/));
  it("a zip with a CRC error is asked for again, and none of its rows is stored", () => askedAgain("crcError", /fails its CRC check/));
  it("a zip without its data file is asked for again", () => askedAgain("noDataFile", /holds no data\.csv/));
  it("a data file lacking columns is asked for again", () => askedAgain("missingColumns", /lacks the column\(s\) speciesID/));

  it("a truncated zip is fetched again from the same URL, without a new request", async () => {
    sim.downloads.addFault("truncatedZip");
    const result = await run();
    expect(result.status).toBe("succeeded");
    await expectEqual();
    const asked = sim.requests.snapshot();
    expect(asked.download).toBe((await downloadRows()).length);
    expect(asked.downloadFile).toBe(asked.download + 1);
  });

  it("reordered columns are read by their headings", async () => {
    sim.downloads.addFault("reorderedColumns", 10);
    expect((await run()).status).toBe("succeeded");
    await expectEqual();
  });

  it("status polls failing with 500s and hanging are retried", async () => {
    sim.faults.set({ rules: [{ mode: "500", rate: 0.3, paths: ["/occurrences/offline/status"] }, { mode: "hang", rate: 0.1, paths: ["/occurrences/offline/status"] }] });
    const result = await run({ client: clientFor(sim, { retries: 12, timeoutMs: 300 }) });
    expect(result.status).toBe("succeeded");
    expect(sim.faults.counts()["500"]).toBeGreaterThan(0);
    await expectEqual();
  });

  it("downloads the ALA finds too large are split (species halved, then years) until it takes them", async () => {
    sim.downloads.settings.maxRecords = 400;
    const result = await run({ downloadRecords: 100_000 });
    expect(result.status).toBe("succeeded");
    await expectEqual();
    const rows = await downloadRows();
    expect(rows.filter((r) => r.state === "split").length).toBeGreaterThan(1);
    expect(rows.filter((r) => r.state === "imported").every((r) => r.parent_id !== null)).toBe(true);
  });

  it("a download the ALA forgot (status {}, expired) is asked for again", async () => {
    sim.downloads.settings.queueMs = 300;
    let expired = false;
    const result = await run({
      onProgress: (p) => {
        if (!expired && p.message) expired = sim.downloads.expireAll() > 0;
      },
    });
    expect(expired).toBe(true);
    expect(result.status).toBe("succeeded");
    await expectEqual();
    expect((await downloadRows()).some((r) => /no longer knows the download/.test(r.last_error ?? ""))).toBe(true);
  });

  it("a run that fails cancels at the ALA the downloads it still waited for, which would hold up the next run's", async () => {
    sim.downloads.addFault("stuck", 50);
    const result = await run({ downloads: { retries: 1, maxWaitMs: 200 } });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/still inQueue after/);
    const ids = new Set((await db.pool.query<{ status_url: string }>("SELECT status_url FROM sync_downloads")).rows.map((r) => r.status_url.split("/").pop()));
    const ours = sim.downloads.state().downloads.filter((d) => ids.has(d.id));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.map((d) => d.status)).toEqual(ours.map(() => "cancelled"));
  });

  it("a fault that persists fails the run with the reason once retries are spent; nothing is half-stored and the last import time stays", async () => {
    sim.downloads.addFault("missingColumns", 50);
    const result = await run({ downloads: { retries: 2 } });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^an offline download of \d+ species failed 3 times; the last time: data\.csv in the download lacks the column\(s\) speciesID$/);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n).toBe(0);
    expect(await staleSpeciesCounts(db.pool)).toEqual([]);
    expect(await lastImportAt(db.pool)).toBeNull();
    // The next run, with the ALA mended, starts over and ends equal.
    sim.downloads.clearFaults();
    expect((await run()).status).toBe("succeeded");
    await expectEqual();
  });

  it("without ALA_DOWNLOAD_EMAIL a bulk read fails at once and says what to set", async () => {
    const result = await run({ downloads: { email: undefined } });
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^ALA_DOWNLOAD_EMAIL is not set: reading [\d,]+ records needs the ALA's offline download service/);
    expect(sim.requests.snapshot().download).toBe(0);
    expect(await lastImportAt(db.pool)).toBeNull();
  });
});

describe("the final count check", () => {
  it("a run whose counts still differ after reconciliation fails, naming the species and both counts", async () => {
    const species = sim.world.speciesList().filter((s) => !s.retired).sort((a, b) => b.count - a.count)[3];
    sim.countSkew.set(species.guid, 7);
    const result = await run();
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/^Counts still differ after reconciliation for 1 species: /);
    expect(result.error).toContain(species.guid);
    const warning = result.run!.warnings[0];
    expect(warning).toMatchObject({ guid: species.guid, reason: "differs", malformed: 0 });
    expect(warning.remote - warning.local).toBe(7);
    expect(result.run!.errorDetail).toMatchObject({ species: [{ guid: species.guid }] });
    expect(await lastImportAt(db.pool)).toBeNull();
    // Everything real was stored; once the source agrees with itself the next run succeeds.
    sim.countSkew.clear();
    expect((await run()).status).toBe("succeeded");
    await expectEqual();
  });
});
