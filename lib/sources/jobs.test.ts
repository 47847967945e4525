import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { writeArchive } from "./dwca/test-archive";
import { queue, stopQueue } from "@/lib/jobs/queue";
import { eventually } from "@/lib/sync/test-support";
import { GBIF_SIMULATOR_USER, startGbifSimulator } from "@/lib/simulator/gbif";
import { reloadConfig } from "@/lib/config";
import { handleSourceClock, handleSourceDue, interruptedGbifSources, isDue, SOURCE_QUEUES, startSourceWorker, type SourceDueJob } from "./jobs";
import { addSource, getSource } from "./registry";

describe("isDue", () => {
  const since = new Date("2026-12-01T03:30:00Z");
  it("is due once the cron's next time after the last run has passed", () => {
    expect(isDue("0 4 * * *", since, new Date("2026-12-01T03:59:00Z"), "UTC")).toBe(false);
    expect(isDue("0 4 * * *", since, new Date("2026-12-01T04:00:00Z"), "UTC")).toBe(true);
    expect(isDue("0 4 * * *", since, new Date("2026-12-05T10:00:00Z"), "UTC")).toBe(true);
  });
  it("is never due for an expression that does not parse", () => {
    expect(isDue("not cron", since, new Date("2030-01-01T00:00:00Z"), "UTC")).toBe(false);
  });
});

describe("the sources' clock", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-source-clock-"));
    await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:magpie', 'Gymnorhina tibicen')");
  });
  afterAll(async () => {
    await stopQueue();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What the worker does with the clock's jobs: each run (or skipped), then done. */
  async function runQueued(): Promise<SourceDueJob[]> {
    const boss = await queue();
    const jobs = await boss.fetch<SourceDueJob>(SOURCE_QUEUES.due, { batchSize: 10 });
    for (const job of jobs) {
      await handleSourceDue(job.data);
      await boss.complete(SOURCE_QUEUES.due, job.id);
    }
    return jobs.map((j) => j.data);
  }

  it("queues each source on its own schedule, once, and not again until it is next due", async () => {
    const file = await writeArchive(path.join(dir, "a.zip"), [
      { occurrenceID: "c-1", scientificName: "Gymnorhina tibicen", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "2024-01-01" },
    ]);
    const hourly = await addSource(db.pool, { kind: "dwca", name: "Hourly", settings: { location: file }, cron: "0 * * * *" });
    const daily = await addSource(db.pool, { kind: "dwca", name: "Daily", settings: { location: file }, cron: "0 4 * * *" });
    await addSource(db.pool, { kind: "dwca", name: "Manual", settings: { location: file } });
    // Made "long ago", so each is due according to its cron.
    await db.pool.query("UPDATE sources SET created_at = now() - interval '2 days'");
    expect(await handleSourceClock()).toEqual([hourly.id, daily.id]);
    // Still due on the next tick, but its job is waiting: not queued twice.
    expect(await handleSourceClock()).toEqual([]);
    expect((await runQueued()).map((j) => j.sourceId).sort((a, b) => a - b)).toEqual([hourly.id, daily.id]);
    expect(await handleSourceClock()).toEqual([]);
    const inTwoHours = new Date(Date.now() + 2 * 3600_000);
    // The daily one too when its 04:00 falls within those two hours.
    const queued = await handleSourceClock(inTwoHours);
    expect(queued).toContain(hourly.id);
    expect(await runQueued()).toHaveLength(queued.length);
    const runs = await db.pool.query("SELECT source_id, status FROM source_runs ORDER BY source_id, id");
    expect(runs.rows.every((r) => r.status === "succeeded")).toBe(true);
    expect(runs.rows.filter((r) => r.source_id === hourly.id)).toHaveLength(2);
    expect(runs.rows).toHaveLength(2 + queued.length);
  });

  it("skips a queued run when the source has run since it came due (a retried job's twin)", async () => {
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM source_runs")).rows[0].n;
    const { id } = (await db.pool.query<{ id: number }>("SELECT id FROM sources WHERE name = 'Hourly'")).rows[0];
    await handleSourceDue({ sourceId: id, dueAt: new Date(Date.now() - 3 * 3600_000).toISOString() });
    expect((await db.pool.query("SELECT count(*)::int AS n FROM source_runs")).rows[0].n).toBe(before);
  });
});

describe("a worker starting", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await stopQueue();
    await db.drop();
  });

  it("queues again a GBIF source whose run a stopped process left waiting, and the run it makes takes over", async () => {
    // No account, so the resumed run ends at once (and says why): what matters is that it ran.
    const gbif = await addSource(db.pool, { kind: "gbif", name: "GBIF", settings: { apiUrl: "http://127.0.0.1:9/v1" } });
    const done = await addSource(db.pool, { kind: "gbif", name: "GBIF done", settings: { apiUrl: "http://127.0.0.1:9/v1" } });
    const { rows } = await db.pool.query<{ id: number }>(
      "INSERT INTO source_runs (source_id, status, download_key, download_status) VALUES ($1, 'waiting', '0000001-1', 'PREPARING'), ($2, 'failed', NULL, NULL) RETURNING id",
      [gbif.id, done.id],
    );
    expect(await interruptedGbifSources(db.pool)).toEqual([gbif.id]);
    await startSourceWorker(await queue());
    const run = async () => (await db.pool.query<{ status: string; error: string | null }>("SELECT status, error FROM source_runs WHERE id = $1", [rows[0].id])).rows[0];
    await eventually("the left run marked interrupted by the next", async () => (await run()).status === "failed");
    expect((await run()).error).toBe("Interrupted: its process stopped; the next run polls the same GBIF download.");
    await eventually("the next run's outcome", async () => (await db.pool.query("SELECT 1 FROM source_runs WHERE source_id = $1 AND id > $2 AND status = 'failed'", [gbif.id, rows[0].id])).rowCount === 1);
    expect(await interruptedGbifSources(db.pool)).toEqual([]);
    // The other source's finished run is left alone.
    expect((await db.pool.query("SELECT count(*)::int AS n FROM source_runs WHERE source_id = $1", [done.id])).rows[0].n).toBe(1);
  });

  it("runs a due archive while a GBIF run waits for its download: one source's wait holds up no other", async () => {
    const env = { ...process.env };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-source-wait-"));
    Object.assign(process.env, { DATA_DIR: dir, GBIF_POLL_MS: "20", GBIF_POLL_MAX_MS: "50" });
    reloadConfig();
    const gbif = await startGbifSimulator({ records: 100, seed: 3, downloads: { preparingMs: 600_000, runningMs: 0 } });
    try {
      const file = await writeArchive(path.join(dir, "quick.zip"), [
        { occurrenceID: "q-1", scientificName: "Gymnorhina tibicen", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "2024-01-01" },
      ]);
      const slow = await addSource(db.pool, { kind: "gbif", name: "GBIF slow", settings: { apiUrl: gbif.apiUrl }, credentials: { ...GBIF_SIMULATOR_USER }, cron: "0 * * * *" });
      const quick = await addSource(db.pool, { kind: "dwca", name: "Quick", settings: { location: file }, cron: "0 * * * *" });
      await db.pool.query("UPDATE sources SET created_at = now() - interval '2 days' WHERE id = ANY($1)", [[slow.id, quick.id]]);
      expect(await handleSourceClock()).toEqual([slow.id, quick.id]);
      const status = async (id: number) => (await getSource(db.pool, id))!.lastRun?.status;
      await eventually("the GBIF run waiting", async () => (await status(slow.id)) === "waiting");
      await eventually("the archive imported", async () => (await status(quick.id)) === "succeeded");
      expect(await status(slow.id)).toBe("waiting");
      // GBIF finishes preparing: the waiting run goes on to its import.
      gbif.downloads.settings.preparingMs = 0;
      await eventually("the GBIF run done", async () => (await status(slow.id)) === "succeeded");
    } finally {
      await gbif.close();
      fs.rmSync(dir, { recursive: true, force: true });
      process.env = env;
      reloadConfig();
    }
  });
});
