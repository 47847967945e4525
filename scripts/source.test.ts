/**
 * `npm run source` as an operator runs it: a child process on a real database, judged by its exit
 * code, its output and what it left in the database.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeArchive, writeZip } from "@/lib/sources/dwca/test-archive";
import { simulator, spawnTs, TEST_DOWNLOAD_EMAIL } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-source-cli-"));
  await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:magpie', 'Gymnorhina tibicen')");
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function source(args: string[], env: Record<string, string> = {}) {
  const child = spawnTs("scripts/source.ts", args, { DATABASE_URL: db.url, DATA_DIR: dataDir, ...env });
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

describe("npm run source", () => {
  // Each case is a child process starting tsx: generous budgets, the machine may be busy.
  it("refuses bad arguments with exit code 2 and says why", { timeout: 180_000 }, async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is needed/],
      [["drop"], /unknown command "drop"/],
      [["add", "--kind", "ftp", "--name", "x"], /--kind/],
      [["add", "--kind", "dwca", "--name", "x"], /location/],
      [["add", "--kind", "living_atlas", "--name", "x", "--biocache-url", "not a url"], /biocacheUrl/],
      [["add", "--kind", "dwca", "--name", "x", "--location", "/a.zip", "--cron", "daily"], /cron/],
      [["remove"], /remove needs one source/],
    ];
    for (const [args, message] of cases) {
      const r = await source(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("adds, lists, syncs (and reports a refused archive line by line), then removes a source and its records", { timeout: 180_000 }, async () => {
    const good = await writeArchive(path.join(dataDir, "good.zip"), [
      { occurrenceID: "a", scientificName: "Gymnorhina tibicen Latham", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "2024-01-01" },
      { occurrenceID: "b", scientificName: "Vombatus ursinus", class: "Mammalia", decimalLatitude: "-35", decimalLongitude: "149" },
    ]);
    const added = await source(["add", "--kind", "dwca", "--name", "Survey", "--location", good, "--cron", "0 4 * * *"]);
    expect(added).toMatchObject({ code: 0, stdout: expect.stringMatching(/Added source 2: Survey \(dwca\), scheduled 0 4 \* \* \*/) });
    expect((await source(["add", "--kind", "dwca", "--name", "Survey", "--location", good])).stderr).toMatch(/exists already/);

    const synced = await source(["sync", "Survey"]);
    expect(synced.stdout).toMatch(/Imported Survey: 1 added, 0 updated, 0 deleted, 1 skipped \(notBird 1\)/);
    expect(synced.code).toBe(0);

    const bad = await writeZip(path.join(dataDir, "bad.zip"), { "occurrence.txt": "x" });
    const refused = await source(["sync", "2", "--file", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has no meta\.xml/);

    const list = await source(["list"]);
    expect(list.stdout).toMatch(/^1\tliving_atlas\tALA\t0 records/m);
    expect(list.stdout).toMatch(/^2\tdwca\tSurvey\t1 records\t0 4 \* \* \*\tlast run failed/m);

    expect((await source(["remove", "ALA"])).stderr).toMatch(/cannot be removed/);
    expect((await source(["remove", "nope"])).code).toBe(1);
    const removed = await source(["remove", "Survey"]);
    expect(removed).toMatchObject({ code: 0, stdout: expect.stringMatching(/Removed source 2 \(Survey\) and its 1 records/) });
    const left = await db.pool.query("SELECT count(*)::int AS n FROM occurrences");
    expect(left.rows[0].n).toBe(0);
  });

  it("syncs a Living Atlas source with the ALA's sync, and fails its run with the reason when the atlas answers 500s", { timeout: 300_000 }, async () => {
    const atlas = await simulator({ records: 400, seed: 5, taxonIdPrefix: "NBNSYS" });
    const env = { SYNC_RETRY_BASE_MS: "1", SYNC_RETRIES: "1", SYNC_DOWNLOAD_POLL_MS: "20" };
    try {
      const added = await source(["add", "--kind", "living_atlas", "--name", "NBN", "--biocache-url", atlas.url, "--email", TEST_DOWNLOAD_EMAIL]);
      expect(added).toMatchObject({ code: 0, stdout: expect.stringMatching(/Added source \d+: NBN \(living_atlas\)/) });
      // Only the magpie is a species here: the atlas's magpies join it by name, the rest are counted and listed.
      const magpies = atlas.world.speciesList().find((s) => s.scientificName === "Gymnorhina tibicen")!.count;
      const synced = await source(["sync", "NBN", "--full"], env);
      expect(synced.stderr).toBe("");
      expect(synced.code).toBe(0);
      expect(synced.stdout).toMatch(/Imported NBN: \d+ added, 0 updated, 0 deleted, \d+ skipped \(.*unmatchedName \d+/);
      const stored = await db.pool.query("SELECT count(*)::int AS n, count(DISTINCT species_id)::int AS species FROM occurrences o JOIN sources s ON s.id = o.source WHERE s.name = 'NBN'");
      expect(stored.rows[0].species).toBe(1);
      expect(stored.rows[0].n).toBeGreaterThan(0);
      expect(stored.rows[0].n).toBeLessThanOrEqual(magpies);

      atlas.faults.set({ rules: [{ mode: "500", rate: 1 }] });
      const failed = await source(["sync", "NBN"], env);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/500/);
      expect((await db.pool.query("SELECT count(*)::int AS n FROM occurrences o JOIN sources s ON s.id = o.source WHERE s.name = 'NBN'")).rows[0].n).toBe(stored.rows[0].n);
    } finally {
      await atlas.close();
    }
  });
});
