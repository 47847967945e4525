/**
 * `npm run sync` as a user runs it: a child process against the simulator and a real database,
 * judged by its exit code, its output and what it left in the database.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { tryAcquireSyncLock } from "@/lib/sync/lock";
import { getRun, insertRun, lastImportAt, startRun } from "@/lib/sync/runs";
import { syncFixture } from "@/lib/sync/test-fixture";
import { alaEnv, differences, expectedCopy } from "@/lib/sync/test-support";
import { spawnTs } from "@/lib/sync/test-process";
import { openDatabase } from "./runtime";

const f = syncFixture({ records: 500, seed: 11 });
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-sync-cli-"));
  await fs.chmod(dataDir, 0o755); // the embedded server runs as the postgres user when we are root
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

const sync = (args: string[], env: Record<string, string> = {}) =>
  spawnTs("scripts/sync.ts", args, { ...alaEnv(f.sim, 2), DATABASE_URL: f.db.url, DATA_DIR: dataDir, ...env });

async function finished(...args: string[]) {
  const child = sync(args);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

describe("npm run sync", () => {
  it("--full imports everything, prints plain progress lines and a summary, exits 0", async () => {
    const { code, stdout, stderr } = await finished("--full");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const records = expectedCopy(f.sim).records.size;
    expect(stdout).toMatch(/^Starting a full sync from http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^fetching records: [\d,]+ \/ [\d,]+ records \(\d+%\) · added/m);
    expect(stdout).toMatch(/^Sync run \d+ \(full\) succeeded in [\d.]+ s\.$/m);
    expect(stdout).toContain(`records: ${records.toLocaleString("en-AU")} local, ${records.toLocaleString("en-AU")} at the source`);
    expect(stdout).toMatch(/^skipped by reason: basisOfRecord \d+$/m);
    // Not a terminal: no progress bar, no escape codes.
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await lastImportAt(f.db.pool)).not.toBeNull();
  });

  it("without --full fetches what changed since the last import", async () => {
    const before = await lastImportAt(f.db.pool);
    f.sim.world.addRecords({ count: 20 });
    f.sim.world.deleteRecords({ count: 10 });
    const { code, stdout } = await finished();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Sync run (\d+) \(incremental\) succeeded/m);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect((await lastImportAt(f.db.pool))!.getTime()).toBeGreaterThan(before!.getTime());
  });

  it("--species syncs one species and leaves the last import time alone", async () => {
    const before = await lastImportAt(f.db.pool);
    const [species] = f.sim.world.speciesList().filter((s) => !s.retired).sort((a, b) => b.count - a.count);
    f.sim.world.updateRecords({ species: species.guid, count: 5 });
    const { code, stdout } = await finished("--species", species.guid);
    expect(code).toBe(0);
    expect(stdout).toContain(`Starting an incremental sync of species ${species.guid}`);
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    expect(await lastImportAt(f.db.pool)).toEqual(before);
  });

  it("exits 1 with the reason when the ALA keeps failing; the last import time stays", async () => {
    const before = await lastImportAt(f.db.pool);
    f.sim.faults.set({ rules: [{ mode: "503", rate: 1 }] });
    try {
      const { code, stdout, stderr } = await finished();
      expect(code).toBe(1);
      expect(stderr).toMatch(/^ALA request failed \(HTTP 503\), attempt 1; retrying in 1 ms: http/m);
      expect(stderr).toMatch(/^Sync run (\d+) \(incremental\) failed after [\d.]+ s: ALA request failed after 3 attempts: HTTP 503/m);
      expect(stderr).toContain("The last import time was not moved");
      expect(stdout).not.toContain("succeeded");
      const runId = Number(/^Sync run (\d+)/m.exec(stderr)![1]);
      expect((await getRun(f.db.pool, runId))!.status).toBe("failed");
      expect(await lastImportAt(f.db.pool)).toEqual(before);
    } finally {
      f.sim.faults.clear();
    }
  });

  it("refuses with exit 1 while another sync is running, and changes nothing", async () => {
    const lock = await tryAcquireSyncLock(f.db.url);
    const runId = await insertRun(f.db.pool, { kind: "incremental", trigger: "admin" });
    await startRun(f.db.pool, runId);
    try {
      const { code, stdout, stderr } = await finished();
      expect(code).toBe(1);
      expect(stderr).toContain(`Another sync is already running (run ${runId}): not starting a second one.`);
      expect(stdout).not.toContain("succeeded");
      expect((await f.db.pool.query("SELECT count(*)::int AS n FROM sync_runs WHERE id > $1", [runId])).rows[0].n).toBe(0);
    } finally {
      await lock!.release();
      await f.db.pool.query("UPDATE sync_runs SET status = 'failed', finished_at = now() WHERE id = $1", [runId]);
    }
  });

  it("exits 2 with the usage on bad arguments", async () => {
    for (const args of [["--bogus"], ["--species"], ["--species", " "], ["extra"]]) {
      const { code, stderr } = await finished(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toContain("usage: npm run sync");
    }
  });

  it("Ctrl-C stops at a safe point (exit 130); the next run resumes the same run and ends equal", async () => {
    f.sim.world.addRecords({ count: 30 });
    // Slow answers keep the run in its fetch phase long enough to interrupt it there.
    f.sim.faults.set({ rules: [{ mode: "slow", rate: 1 }], delayMs: 150 });
    const child = sync(["--full"]);
    await child.waitFor(/^fetching records/);
    child.process.kill("SIGINT");
    expect(await child.exited).toBe(130);
    f.sim.faults.clear();
    expect(child.stderr()).toContain("Stopping at the next safe point");
    const stopped = /^Sync run (\d+) stopped at a safe point/m.exec(child.stdout());
    expect(stopped).not.toBeNull();
    const runId = Number(stopped![1]);
    expect((await getRun(f.db.pool, runId))!.status).toBe("running");

    const { code, stdout } = await finished();
    expect(code).toBe(0);
    expect(stdout).toContain(`Finished interrupted sync run ${runId} first`);
    expect(stdout).toMatch(new RegExp(`^Sync run ${runId} \\(full\\) succeeded`, "m"));
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
  });

  it("beside a running Edgar, attaches to its embedded PostgreSQL in DATA_DIR", async () => {
    const config = parseConfig({ DATA_DIR: path.join(dataDir, "beside") });
    const running = await openDatabase(config);
    try {
      const child = sync([], { DATABASE_URL: "", DATA_DIR: config.DATA_DIR });
      expect(await child.exited).toBe(0);
      expect(child.stdout()).toMatch(/^Sync run 1 \(incremental\) succeeded/m);
      const c = new pg.Client({ connectionString: running.url });
      await c.connect();
      try {
        const { rows } = await c.query("SELECT count(*)::int AS n FROM occurrences");
        expect(rows[0].n).toBe(expectedCopy(f.sim).records.size);
      } finally {
        await c.end();
      }
    } finally {
      await running.embedded?.stop();
    }
  });
});
