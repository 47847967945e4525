/**
 * `npm run source` with a GBIF source, as an operator runs it: a child process on a real database
 * against the GBIF simulator over HTTP, judged by its exit code, its output and the database.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIRDS } from "@/lib/simulator/gbif/taxa";
import { GBIF_SIMULATOR_USER, startGbifSimulator, type GbifSimulator } from "@/lib/simulator/gbif";
import { spawnTs } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";

let db: TestDatabase;
let dataDir: string;
let gbif: GbifSimulator;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-source-gbif-"));
  gbif = await startGbifSimulator({ records: 300, seed: 2, downloads: { preparingMs: 20, runningMs: 20 } });
  await db.pool.query("INSERT INTO species (guid, scientific_name) SELECT 'urn:' || n, n FROM unnest($1::text[]) n", [BIRDS.map((b) => b.species)]);
});
afterAll(async () => {
  await db.drop();
  await gbif.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function source(args: string[], env: Record<string, string> = {}) {
  const child = spawnTs("scripts/source.ts", args, { DATABASE_URL: db.url, DATA_DIR: dataDir, GBIF_POLL_MS: "10", GBIF_POLL_MAX_MS: "50", SYNC_RETRY_BASE_MS: "1", ...env });
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

describe("npm run source with a GBIF source", () => {
  it("adds one with an encrypted password, syncs it, and refuses a wrong password with exit code 1", { timeout: 240_000 }, async () => {
    const added = await source(["add", "--kind", "gbif", "--name", "GBIF", "--username", "edgar", "--api-url", gbif.apiUrl, "--predicate", '{"type":"equals","key":"COUNTRY","value":"AU"}'], { GBIF_PASSWORD: GBIF_SIMULATOR_USER.password });
    expect(added.stderr).toBe("");
    expect(added).toMatchObject({ code: 0, stdout: expect.stringMatching(/Added source \d+: GBIF \(gbif\)/) });
    const stored = await db.pool.query<{ credentials: string; settings: unknown }>("SELECT credentials, settings FROM sources WHERE name = 'GBIF'");
    expect(stored.rows[0].credentials).not.toContain(GBIF_SIMULATOR_USER.password);
    expect(stored.rows[0].settings).toMatchObject({ apiUrl: gbif.apiUrl, format: "SIMPLE_CSV", predicate: { key: "COUNTRY" } });

    const synced = await source(["sync", "GBIF"]);
    expect(synced.stderr).toBe("");
    expect(synced.code).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM occurrences o JOIN sources s ON s.id = o.source WHERE s.name = 'GBIF'");
    expect(rows[0].n).toBeGreaterThan(0);
    expect(synced.stdout).toContain(`Imported GBIF: ${rows[0].n} added, 0 updated, 0 deleted`);

    await source(["add", "--kind", "gbif", "--name", "Wrong", "--username", "edgar", "--api-url", gbif.apiUrl], { GBIF_PASSWORD: "not it" });
    const refused = await source(["sync", "Wrong"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/GBIF refused the credentials of user "edgar" \(HTTP 401\)/);
    expect((await source(["add", "--kind", "gbif", "--name", "Bad", "--predicate", "{nope"])).code).toBe(2);
  });
});
