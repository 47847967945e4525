/**
 * A `gbif` source against the GBIF simulator over real HTTP, beside an ALA sync of the ALA
 * simulator it shares sightings with: a full sync ends equal to the simulator's ground truth with
 * shared sightings counted once; incremental runs read what changed and delete nothing, full runs
 * delete what GBIF no longer has; every fault ends equal or fails clearly with nothing lost and
 * the last import time unmoved; bad credentials are refused. A run is visible in /admin (its
 * source_runs row and `source` events) from the moment it is asked for, through GBIF's preparing,
 * the wait for the sync lock and the import to its outcome, and survives its process stopping.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/lib/config";
import type { Simulator } from "@/lib/simulator";
import { GBIF_SIMULATOR_USER, startGbifSimulator, type GbifDownloadFault, type GbifSimulator } from "@/lib/simulator/gbif";
import { tryAcquireSyncLock } from "@/lib/sync/lock";
import { runSync } from "@/lib/sync/run";
import { clientFor, eventually, simulator, spawnTs } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { interruptedGbifSources } from "../jobs";
import { addSource, getSource } from "../registry";
import { runSource, SourceRunningError } from "../run";
import { countsThatDiffer, expectedGbif, gbifRecords, withLocksCut } from "../test-support";

let ala: Simulator;
let gbif: GbifSimulator;
let db: TestDatabase;
let dir: string;
let source: number;
const env = { ...process.env };

function configure(extra: Record<string, string> = {}) {
  Object.assign(process.env, { DATA_DIR: dir, GBIF_POLL_MS: "10", GBIF_POLL_MAX_MS: "40", GBIF_MAX_WAIT_MS: "20000", SYNC_RETRY_BASE_MS: "1", SYNC_RETRIES: "3", SYNC_REQUEST_TIMEOUT_MS: "5000", ...extra });
  reloadConfig();
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-gbif-"));
  configure();
  ala = await simulator({ records: 3000, seed: 7 });
  gbif = await startGbifSimulator({ records: 1200, seed: 5, ala: ala.world, downloads: { preparingMs: 20, runningMs: 20 } });
  db = await createTestDatabase();
  const alaRun = await runSync({ kind: "full", client: clientFor(ala, 2) });
  expect(alaRun.status).toBe("succeeded");
  source = (await addSource(db.pool, { kind: "gbif", name: "GBIF", settings: { apiUrl: gbif.apiUrl }, credentials: { ...GBIF_SIMULATOR_USER } })).id;
}, 120_000);
afterAll(async () => {
  await db?.drop();
  await Promise.all([ala?.close(), gbif?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
  process.env = env;
  reloadConfig();
});

const expected = () => expectedGbif(db.pool, gbif);
const local = () => gbifRecords(db.pool, source);

async function expectEqual() {
  const want = await expected();
  const have = await local();
  expect(have.size).toBe(want.records.size);
  expect([...have.values()].sort((a, b) => a.key.localeCompare(b.key))).toEqual([...want.records.values()].sort((a, b) => a.key.localeCompare(b.key)));
  // Species counts count a sighting two sources hold once.
  expect(await countsThatDiffer(db.pool)).toEqual([]);
}

const lastImportAt = async () => (await db.pool.query<{ last_import_at: Date | null }>("SELECT last_import_at FROM sources WHERE id = $1", [source])).rows[0].last_import_at;
const pendingKey = async () => (await db.pool.query<{ download_key: string | null }>("SELECT download_key FROM gbif_downloads WHERE source_id = $1", [source])).rows[0]?.download_key ?? null;

describe("a GBIF source", () => {
  it("imports the simulator's birds in full, equal to its ground truth, with sightings the ALA holds counted once", async () => {
    const r = await runSource(db.pool, source);
    expect(r.error).toBeNull();
    expect(r.status).toBe("succeeded");
    await expectEqual();
    const want = await expected();
    expect(want.shared).toBeGreaterThan(10);
    expect(r.added).toBe(want.records.size);
    expect(r.skippedByReason).toEqual({ ...(want.basis ? { basisOfRecord: want.basis } : {}), ...(want.unmatched ? { unmatchedName: want.unmatched } : {}) });
    // Each shared sighting points at the ALA's record of it.
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM occurrences g JOIN occurrences a ON a.id = g.duplicate_of WHERE g.source = $1 AND a.source = 1`,
      [source],
    );
    expect(rows[0].n).toBe(want.shared);
    // The request: birds, as the configured user, no e-mail, SIMPLE_CSV.
    const last = gbif.downloads.state().downloads.at(-1)!;
    expect(last.format).toBe("SIMPLE_CSV");
    expect(last.predicate).toEqual({ type: "and", predicates: [{ type: "equals", key: "TAXON_KEY", value: "212" }] });
    expect(await lastImportAt()).not.toBeNull();
    expect(await pendingKey()).toBeNull();
    // Unmatched names are listed for the admin.
    const names = await db.pool.query<{ name: string }>("SELECT name FROM source_unmatched_names WHERE source_id = $1", [source]);
    expect(names.rows.length).toBeGreaterThan(0);
  });

  it("reads only what changed on an incremental run, and deletes what GBIF no longer has on a full one", async () => {
    gbif.data.add(6);
    gbif.data.update(5);
    // Four records Edgar holds go from GBIF.
    const held = await local();
    const gone = gbif.data.delete(gbif.truth().records.filter((r) => held.has(r.occurrenceID)).slice(0, 4).map((r) => r.gbifID));
    expect(gone).toHaveLength(4);
    const before = (await local()).size;
    const r = await runSource(db.pool, source);
    expect(r.status).toBe("succeeded");
    const last = gbif.downloads.state().downloads.at(-1)!;
    expect(JSON.stringify(last.predicate)).toContain("LAST_INTERPRETED");
    expect(last.totalRecords).toBeLessThan(20);
    expect(r.deleted).toBe(0);
    expect((await local()).size).toBeGreaterThanOrEqual(before);
    const full = await runSource(db.pool, source, { full: true });
    expect(full.status).toBe("succeeded");
    expect(full.deleted).toBe(4);
    await expectEqual();
  });

  it("imports a DWCA download alike", async () => {
    await db.pool.query(`UPDATE sources SET settings = settings || '{"format":"DWCA"}' WHERE id = $1`, [source]);
    try {
      gbif.data.add(4);
      const r = await runSource(db.pool, source, { full: true });
      expect(r.error).toBeNull();
      expect(gbif.downloads.state().downloads.at(-1)!.format).toBe("DWCA");
      await expectEqual();
    } finally {
      await db.pool.query(`UPDATE sources SET settings = settings - 'format' WHERE id = $1`, [source]);
    }
  });

  it("refuses bad credentials clearly and changes nothing", async () => {
    const bad = (await addSource(db.pool, { kind: "gbif", name: "GBIF wrong password", settings: { apiUrl: gbif.apiUrl }, credentials: { username: "edgar", password: "nope" } })).id;
    const r = await runSource(db.pool, bad);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/GBIF refused the credentials of user "edgar" \(HTTP 401\)/);
    const none = (await addSource(db.pool, { kind: "gbif", name: "GBIF no account", settings: { apiUrl: gbif.apiUrl } })).id;
    expect((await runSource(db.pool, none)).error).toMatch(/no username and password/);
    const { rows } = await db.pool.query<{ n: number; t: Date | null }>("SELECT (SELECT count(*)::int FROM occurrences WHERE source IN ($1, $2)) AS n, (SELECT max(last_import_at) FROM sources WHERE id IN ($1, $2)) AS t", [bad, none]);
    expect(rows[0]).toEqual({ n: 0, t: null });
    await expectEqual();
  });
});

describe("a GBIF source under faults", () => {
  /** One full run with the GBIF world changed first, so a run that imports nothing cannot pass. */
  async function faultRun(fault?: GbifDownloadFault, count = 1) {
    gbif.downloads.clearFaults();
    if (fault) gbif.downloads.addFault(fault, count);
    gbif.data.add(3);
    gbif.data.delete(1);
    return runSource(db.pool, source, { full: true });
  }

  it.each(["failed", "killed", "erased", "gone", "truncatedZip", "reorderedColumns"] as const)("%s once: asks again or fetches again, and ends equal", async (fault) => {
    const r = await faultRun(fault);
    expect(r.error).toBeNull();
    await expectEqual();
  });

  it("a download wider than asked: the non-birds are skipped and counted", async () => {
    const r = await faultRun("includesNonBirds");
    expect(r.status).toBe("succeeded");
    expect(r.skippedByReason.notBird).toBeGreaterThan(0);
    await expectEqual();
  });

  it.each([
    ["failed", 2, /GBIF ended download \S+ as FAILED/],
    ["crcError", 1, /fails its CRC check/],
    ["noDataFile", 1, /holds no data file/],
    ["missingColumns", 1, /lacks the column decimalLongitude/],
  ] as const)("%s (×%i): fails clearly, loses nothing, leaves the last import time, then recovers", async (fault, count, message) => {
    const before = await local();
    const at = await lastImportAt();
    const r = await faultRun(fault, count);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(message);
    expect(await local()).toEqual(before);
    expect(await lastImportAt()).toEqual(at);
    expect(await pendingKey()).toBeNull();
    expect((await faultRun()).status).toBe("succeeded");
    await expectEqual();
  });

  it("polls through 5xx answers; when they outlast the retries, fails and the next run polls the same download", async () => {
    gbif.failPolls(2);
    expect((await faultRun()).status).toBe("succeeded");
    await expectEqual();

    gbif.failPolls(1000);
    const at = await lastImportAt();
    const r = await faultRun();
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/GBIF is unavailable: Polling GBIF download \S+ failed after 4 attempts \(HTTP 50[03]\)/);
    const key = await pendingKey();
    expect(key).not.toBeNull();
    expect(await lastImportAt()).toEqual(at);
    gbif.failPolls(0);
    const requests = gbif.requests.request;
    expect((await runSource(db.pool, source, { full: true })).status).toBe("succeeded");
    expect(gbif.requests.request).toBe(requests); // polled, not requested again
    expect(gbif.downloads.state().downloads.at(-1)!.key).toBe(key);
    await expectEqual();
  });

  it("does not hold the sync lock while GBIF prepares the download", async () => {
    gbif.downloads.settings.preparingMs = 60_000;
    try {
      gbif.data.add(2);
      const running = runSource(db.pool, source, { full: true });
      while (!(await pendingKey())) await new Promise((ok) => setTimeout(ok, 10));
      const lock = await tryAcquireSyncLock(db.url);
      expect(lock).not.toBeNull();
      await lock!.release();
      gbif.downloads.settings.preparingMs = 20;
      expect((await running).status).toBe("succeeded");
      await expectEqual();
    } finally {
      gbif.downloads.settings.preparingMs = 20;
    }
  });

  it("a download still preparing when the run gives up is polled by the next run; one stuck for good is dropped", async () => {
    configure({ GBIF_MAX_WAIT_MS: "200" });
    try {
      gbif.downloads.settings.preparingMs = 60_000;
      const r = await faultRun();
      expect(r.error).toMatch(/GBIF download \S+ is still PREPARING 0 minutes after it was asked for; the next run polls it again/);
      const key = await pendingKey();
      expect(key).not.toBeNull();
      gbif.downloads.settings.preparingMs = 20;
      const requests = gbif.requests.request;
      expect((await runSource(db.pool, source, { full: true })).status).toBe("succeeded");
      expect(gbif.requests.request).toBe(requests);
      await expectEqual();

      const stuck = await faultRun("stuck");
      expect(stuck.status).toBe("failed");
      expect(await pendingKey()).not.toBeNull();
      await new Promise((ok) => setTimeout(ok, 450));
      // Older than twice the wait: polled once more, then forgotten; the run after asks anew.
      expect((await runSource(db.pool, source, { full: true })).status).toBe("failed");
      expect(await pendingKey()).toBeNull();
      expect((await runSource(db.pool, source, { full: true })).status).toBe("succeeded");
      await expectEqual();
    } finally {
      configure();
    }
  });
});

describe("a GBIF run as /admin sees it", () => {
  const lastRun = async () => (await getSource(db.pool, source))!.lastRun!;

  /** The `source` events of this source, as the admin stream hears them (a real LISTEN). */
  async function listen() {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const heard: string[] = [];
    client.on("notification", (n) => {
      const e = JSON.parse(n.payload!) as { type: string; sourceId: number; status: string; downloadStatus: string | null };
      if (e.type === "source" && e.sourceId === source) heard.push(`${e.status} ${e.downloadStatus}`);
    });
    await client.query("LISTEN edgar_events");
    return { heard, close: () => client.end() };
  }

  it("waits visibly from the request on (GBIF's status, the key, since when), then for the sync lock, then imports; each step is announced", async () => {
    gbif.downloads.clearFaults();
    gbif.downloads.settings.preparingMs = 60_000;
    gbif.data.add(2);
    const events = await listen();
    // Another sync holds the lock throughout GBIF's preparing.
    const held = (await tryAcquireSyncLock(db.url))!;
    expect(held).not.toBeNull();
    let running: Promise<Awaited<ReturnType<typeof runSource>>> | undefined;
    try {
      running = runSource(db.pool, source, { full: true });
      await eventually("the run waiting for GBIF", async () => (await lastRun()).download?.status === "PREPARING");
      const waiting = await lastRun();
      expect(waiting).toMatchObject({ status: "waiting", finishedAt: null, error: null, interrupted: false, download: { key: await pendingKey(), status: "PREPARING" } });
      expect(waiting.download!.requestedAt!.getTime()).toBeLessThanOrEqual(Date.now());
      // Asked again meanwhile ("Sync now", the schedule): the run under way covers it.
      await expect(runSource(db.pool, source)).rejects.toBeInstanceOf(SourceRunningError);
      gbif.downloads.settings.preparingMs = 20;
      await eventually("the download ready, the run waiting for the sync lock", async () => (await lastRun()).download?.status === "SUCCEEDED");
      expect(await lastRun()).toMatchObject({ id: waiting.id, status: "waiting" });
    } finally {
      gbif.downloads.settings.preparingMs = 20;
      await held.release();
    }
    const r = await running!;
    expect(r.status).toBe("succeeded");
    expect(await lastRun()).toMatchObject({ id: r.runId, status: "succeeded", added: r.added, download: { status: "SUCCEEDED" } });
    await eventually("the outcome announced", async () => events.heard.at(-1) === "succeeded SUCCEEDED");
    await events.close();
    // GBIF's RUNNING may fall between two polls; every other step is heard, in order.
    expect(events.heard.filter((e) => e !== "waiting RUNNING")).toEqual(["waiting null", "waiting PREPARING", "waiting SUCCEEDED", "running SUCCEEDED", "succeeded SUCCEEDED"]);
    await expectEqual();
  });

  it("a ready download whose run cannot get the sync lock in time: the run fails saying so, and the next run imports the same download", async () => {
    configure({ GBIF_MAX_WAIT_MS: "300" });
    const held = (await tryAcquireSyncLock(db.url))!;
    try {
      gbif.data.add(2);
      const r = await runSource(db.pool, source, { full: true });
      expect(r.status).toBe("failed");
      expect(r.error).toMatch(/The GBIF download is ready, but another sync or import held the sync lock/);
      expect(await lastRun()).toMatchObject({ status: "failed", download: { status: "SUCCEEDED" } });
      expect(await pendingKey()).toBe((await lastRun()).download!.key);
    } finally {
      await held.release();
      configure();
    }
    const requests = gbif.requests.request;
    expect((await runSource(db.pool, source, { full: true })).status).toBe("succeeded");
    expect(gbif.requests.request).toBe(requests);
    await expectEqual();
  });

  it("a run whose locks' connections are lost as it starts importing stops before writing; the next run imports the same download", async () => {
    gbif.data.add(3);
    const before = await lastImportAt();
    const held = (await local()).size;
    const r = await withLocksCut(db.pool, "UPDATE", "running", () => runSource(db.pool, source, { full: true }));
    expect(r).toMatchObject({ status: "failed", added: 0, deleted: 0 });
    expect(r.error).toMatch(/lock's database connection was lost/);
    expect((await local()).size).toBe(held);
    expect(await lastImportAt()).toEqual(before);
    expect(await pendingKey()).toBe((await lastRun()).download!.key);
    const requests = gbif.requests.request;
    expect((await runSource(db.pool, source, { full: true })).status).toBe("succeeded");
    expect(gbif.requests.request).toBe(requests);
    await expectEqual();
  });

  it("a download GBIF ends while the run waits: the run fails with the reason, GBIF's status and the key", async () => {
    gbif.downloads.clearFaults();
    gbif.downloads.addFault("failed", 2);
    try {
      const r = await runSource(db.pool, source, { full: true });
      expect(r.status).toBe("failed");
      const run = await lastRun();
      expect(run).toMatchObject({ id: r.runId, status: "failed", error: r.error, interrupted: false, download: { status: "FAILED" } });
      expect(run.error).toMatch(new RegExp(`GBIF ended download ${run.download!.key} as FAILED`));
    } finally {
      gbif.downloads.clearFaults();
    }
  });

  it("a run whose process stops while waiting shows as interrupted, is queued again by a starting worker, and the next run polls the same download", { timeout: 180_000 }, async () => {
    gbif.downloads.settings.preparingMs = 600_000;
    gbif.data.add(2);
    const child = spawnTs("scripts/source.ts", ["sync", "GBIF", "--full"], { DATABASE_URL: db.url, DATA_DIR: dir, GBIF_POLL_MS: "10", GBIF_POLL_MAX_MS: "40", SYNC_RETRY_BASE_MS: "1" });
    try {
      await eventually("the child's run waiting for GBIF", async () => (await lastRun()).download?.status === "PREPARING", 120_000);
    } finally {
      child.process.kill("SIGKILL");
    }
    await child.exited;
    const key = await pendingKey();
    await eventually("the stopped run's lock let go", async () => (await lastRun()).interrupted);
    const stopped = await lastRun();
    expect(stopped).toMatchObject({ status: "waiting", download: { key, status: "PREPARING" } });
    expect(await interruptedGbifSources(db.pool)).toEqual([source]);

    gbif.downloads.settings.preparingMs = 20;
    const requests = gbif.requests.request;
    const r = await runSource(db.pool, source, { full: true });
    expect(r.status).toBe("succeeded");
    expect(gbif.requests.request).toBe(requests); // polled, not asked for again
    const old = await db.pool.query("SELECT status, error FROM source_runs WHERE id = $1", [stopped.id]);
    expect(old.rows[0]).toEqual({ status: "failed", error: "Interrupted: its process stopped; the next run polls the same GBIF download." });
    // The wait is counted from the download's request, before the restart.
    expect((await lastRun()).download).toEqual({ key, status: "SUCCEEDED", requestedAt: stopped.download!.requestedAt });
    expect(await interruptedGbifSources(db.pool)).toEqual([]);
    await expectEqual();
  });
});
