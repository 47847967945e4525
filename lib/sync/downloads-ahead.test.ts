/**
 * The next download's zip is fetched while the one before it is read (lib/sync/downloads.ts,
 * `fetchAhead`), and a run that ends early leaves what it fetched ahead for the next run to use.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ID_COLUMNS } from "@/lib/ala/download-columns";
import type { Simulator } from "@/lib/simulator";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { Downloads } from "./downloads";
import { clientFor, eventually, simulator, TEST_DOWNLOAD_EMAIL } from "./test-support";

let sim: Simulator;
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  // Ready as soon as asked for: each download is finished by the time the one before it is read.
  sim = await simulator({ records: 3000, seed: 5, downloads: { queueMs: 0, recordsPerSecond: 1e9 } });
});
afterAll(() => sim.close());
beforeEach(async () => {
  sim.requests.reset();
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), "edgar-ahead-"));
  return async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  };
});

async function downloadsOfNewRun(): Promise<Downloads> {
  const { rows } = await db.pool.query<{ id: number }>("INSERT INTO sync_runs (kind) VALUES ('full') RETURNING id");
  return downloadsOf(rows[0].id);
}

function downloadsOf(runId: number): Downloads {
  return new Downloads({
    db: db.pool,
    client: clientFor(sim, 2),
    runId,
    settings: { email: TEST_DOWNLOAD_EMAIL, reasonTypeId: 10, pollMs: 20, maxWaitMs: 60_000, retries: 2, dir },
  });
}

/** Every species of the world in downloads of about 1 000 records: three or more. */
async function plan(d: Downloads): Promise<number> {
  const species = (await clientFor(sim, 2).speciesList({ namesFor: () => false })).map((s) => ({ guid: s.guid, count: s.count }));
  await d.plan("ids", species, [], 1000);
  const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_downloads WHERE state = 'pending'");
  return rows[0].n;
}

/** How often the simulator served each of the run's downloads' zip, by download id. */
async function zipFetches(runId: number): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ status_url: string }>("SELECT status_url FROM sync_downloads WHERE run_id = $1", [runId]);
  const served = new Map(sim.downloads.state().downloads.map((d) => [d.id, d.zipFetches]));
  return new Map(rows.map((r) => r.status_url.split("/").pop()!).map((id) => [id, served.get(id) ?? 0]));
}

const zipsIn = async (runId: number) => (await readdir(path.join(dir, `run-${runId}`)).catch(() => [] as string[])).filter((f) => f.endsWith(".zip"));

describe("zips fetched ahead", () => {
  it("fetches the next download's zip while the one before it is read", async () => {
    const d = await downloadsOfNewRun();
    const planned = await plan(d);
    expect(planned).toBeGreaterThanOrEqual(3);
    const seen: number[] = [];
    await d.run("ids", ID_COLUMNS, async () => {
      // The reader waits until the next zip has been asked for: without fetching ahead, it never is.
      const next = seen.length + 2;
      if (next <= planned) await eventually(`zip ${next} asked for`, async () => sim.requests.snapshot().downloadFile === next, 5000);
      seen.push(sim.requests.snapshot().downloadFile);
    });
    expect(seen).toEqual([...Array(planned - 1).keys()].map((i) => i + 2).concat(planned));
  });

  it("a run that fails while reading stops, and the next run reads the zip fetched ahead without fetching it again", async () => {
    const d = await downloadsOfNewRun();
    const planned = await plan(d);
    const runId = (await db.pool.query<{ id: number }>("SELECT max(run_id) AS id FROM sync_downloads")).rows[0].id;
    await expect(
      d.run("ids", ID_COLUMNS, async () => {
        await eventually("two zips on disk", async () => (await zipsIn(runId)).length === 2, 5000);
        throw new Error("the database went away");
      }),
    ).rejects.toThrow("the database went away");
    expect(sim.requests.snapshot().downloadFile).toBe(2);
    const fetchedBefore = await zipFetches(runId);
    expect([...fetchedBefore.values()].filter((n) => n > 0)).toEqual([1, 1]);

    // The same run, resumed: both zips on disk are read as they are, never fetched again; each of
    // the others is fetched (more than once only if a transfer is retried, as under a loaded CI).
    let read = 0;
    await downloadsOf(runId).run("ids", ID_COLUMNS, async () => void read++);
    expect(read).toBe(planned);
    const fetchedAfter = await zipFetches(runId);
    expect(fetchedAfter.size).toBe(planned);
    for (const [id, n] of fetchedAfter) {
      if (fetchedBefore.get(id)) expect(n).toBe(1);
      else expect(n).toBeGreaterThanOrEqual(1);
    }
  });

  it("a zip fetched ahead whose retries ran out while another was read is fetched again at its turn", async () => {
    const d = await downloadsOfNewRun();
    const planned = await plan(d);
    let read = 0;
    await d.run("ids", ID_COLUMNS, async () => {
      if (read++ > 0) return;
      // The file server fails every request while the first zip is read: the fetch ahead spends its three attempts.
      sim.faults.set({ rules: [{ mode: "503", rate: 1, paths: ["/biocache-download/"] }] });
      try {
        await eventually("the fetch ahead's three attempts", async () => sim.requests.snapshot().downloadFile === 4, 5000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        sim.faults.clear();
      }
    });
    expect(read).toBe(planned);
    // The first zip, three failed attempts at the second, its fresh fetch, and the rest.
    expect(sim.requests.snapshot().downloadFile).toBe(planned + 3);
  });
});

describe("downloads written beside the next read", () => {
  const states = async () => (await db.pool.query<{ state: string }>("SELECT state FROM sync_downloads ORDER BY id")).rows.map((r) => r.state);

  it("reads the next download while the one before it is written, and marks each imported only once written, in order", async () => {
    const d = await downloadsOfNewRun();
    const planned = await plan(d);
    const events: string[] = [];
    let reads = 0;
    await d.run("ids", ID_COLUMNS, async () => {
      const n = ++reads;
      events.push(`read ${n}`);
      return {
        write: async () => {
          events.push(`write ${n}`);
          // Held until the next download has been read (the last one: at once).
          if (n < planned) await eventually(`download ${n + 1} read`, async () => reads > n, 5000);
          expect((await states())[n - 1]).toBe("finished");
          events.push(`written ${n}`);
        },
      };
    });
    expect(await states()).toEqual(Array(planned).fill("imported"));
    expect(events.slice(0, 4)).toEqual(["read 1", "write 1", "read 2", "written 1"]);
    for (let n = 2; n <= planned; n++) expect(events.indexOf(`write ${n}`)).toBeGreaterThan(events.indexOf(`written ${n - 1}`));
    // One download read ahead of the writing, no more.
    for (let n = 3; n <= planned; n++) expect(events.indexOf(`read ${n}`)).toBeGreaterThan(events.indexOf(`written ${n - 2}`));
  });

  it("a write that fails stops the run, and the download stays finished with its zip, read again by the run resumed", async () => {
    const d = await downloadsOfNewRun();
    const planned = await plan(d);
    const runId = (await db.pool.query<{ id: number }>("SELECT max(run_id) AS id FROM sync_downloads")).rows[0].id;
    await expect(d.run("ids", ID_COLUMNS, async () => ({ write: () => Promise.reject(new Error("the database went away")) }))).rejects.toThrow("the database went away");
    expect((await states())[0]).toBe("finished");
    expect(await zipsIn(runId)).toContain(`${(await db.pool.query<{ id: number }>("SELECT min(id) AS id FROM sync_downloads")).rows[0].id}.zip`);

    let read = 0;
    await downloadsOf(runId).run("ids", ID_COLUMNS, async () => void read++);
    expect(read).toBe(planned);
    expect(await states()).toEqual(Array(planned).fill("imported"));
  });
});
