/**
 * Issue 19's "done when": one database holding all four kinds of source, each from a real server
 * over HTTP or a real upload — the ALA (its simulator), a second Living Atlas (a second simulator
 * with taxon ids of its own), GBIF (the GBIF simulator) and a Darwin Core Archive of a few
 * thousand records uploaded through the admin API and imported by the worker's job handler.
 * Each source's records equal its ground truth; sightings shared across sources count once;
 * species join across sources by name (docs/sources.md, "Species across sources"); and each
 * source's deletes touch only its own records. The pair tests (living-atlas/import.test.ts,
 * gbif/sync.test.ts) go deeper into each kind; their helpers are shared (./test-support.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestSecret } from "@/lib/auth/test-support";
import { reloadConfig } from "@/lib/config";
import { queue, stopQueue } from "@/lib/jobs/queue";
import type { Simulator } from "@/lib/simulator";
import { GBIF_SIMULATOR_USER, startGbifSimulator, type GbifSimulator } from "@/lib/simulator/gbif";
import { runSync } from "@/lib/sync/run";
import { configureAlaFor, expectedCopy, simulator, TEST_DOWNLOAD_EMAIL } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { syncSource } from "./admin";
import { writeArchive, type TestRecord } from "./dwca/test-archive";
import { handleSourceSync, SOURCE_QUEUES, type SourceSyncJob } from "./jobs";
import { nameKey } from "./names";
import { addSource, getSource } from "./registry";
import { runSource } from "./run";
import { atlasRecords, countsThatDiffer, differences, expectedAtlas, expectedGbif, gbifRecords, shareSightings } from "./test-support";

useTestSecret();

let db: TestDatabase;
let dir: string;
let ala: Simulator;
let atlas: Simulator;
let gbif: GbifSimulator;
const env = { ...process.env };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-four-sources-"));
  db = await createTestDatabase();
  ala = await simulator({ records: 3000, seed: 7 });
  // Another seed and taxon ids of its own: its species join Edgar's by name.
  atlas = await simulator({ records: 1500, seed: 11, taxonIdPrefix: "NBNSYS" });
  // Some of GBIF's records are sightings the ALA holds (republished with the ALA's occurrenceID).
  gbif = await startGbifSimulator({ records: 1200, seed: 5, ala: ala.world, downloads: { preparingMs: 20, runningMs: 20 } });
  configureAlaFor(ala);
  Object.assign(process.env, { DATA_DIR: dir, GBIF_POLL_MS: "10", GBIF_POLL_MAX_MS: "40", GBIF_MAX_WAIT_MS: "20000" });
  reloadConfig();
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await db?.drop();
  await Promise.all([ala?.close(), atlas?.close(), gbif?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
  process.env = env;
  reloadConfig();
});

const ids = { atlas: 0, gbif: 0, dwca: 0 };

/** Every source's record ids (occurrences.source_id), by source. */
async function recordIds(): Promise<Map<number, Set<string>>> {
  const { rows } = await db.pool.query<{ source: number; id: string }>("SELECT source, source_id::text AS id FROM occurrences");
  const out = new Map<number, Set<string>>();
  for (const r of rows) {
    if (!out.has(r.source)) out.set(r.source, new Set());
    out.get(r.source)!.add(r.id);
  }
  return out;
}

/** Runs `remove`, then checks that only `source` lost records, and exactly `count` of them; species counts still add up. */
async function deletesOnlyItsOwn(source: number, count: number, remove: () => Promise<{ deleted: number }>): Promise<void> {
  const before = await recordIds();
  const result = await remove();
  expect(result.deleted).toBe(count);
  const after = await recordIds();
  for (const [s, set] of before) {
    if (s === source) {
      expect(after.get(s)!.size).toBe(set.size - count);
      expect([...after.get(s)!].every((id) => set.has(id))).toBe(true);
    } else {
      expect(after.get(s)).toEqual(set);
    }
  }
  expect(await countsThatDiffer(db.pool)).toEqual([]);
}

/** A deterministic walk (mulberry32), so the archive is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURVEY = 2500;
/** The archive's rows: its own sightings, named with authorship; sightings the ALA and GBIF hold; non-birds; unknown names. */
const archive = { own: [] as TestRecord[], sharedWithAla: [] as { row: TestRecord; alaId: string }[], sharedWithGbif: [] as { row: TestRecord; occurrenceID: string }[], skipped: [] as TestRecord[] };
const rows = (drop = 0) => [...archive.own.slice(drop), ...archive.sharedWithAla.map((s) => s.row), ...archive.sharedWithGbif.map((s) => s.row), ...archive.skipped];

async function buildArchive(): Promise<void> {
  const species = (await db.pool.query<{ scientific_name: string }>("SELECT scientific_name FROM species WHERE status = 'active' AND scientific_name LIKE '% %' ORDER BY id")).rows.map((r) => r.scientific_name);
  const random = prng(19);
  for (let i = 0; i < SURVEY; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 1500) * 86_400_000).toISOString().slice(0, 10);
    archive.own.push({
      occurrenceID: `survey-${i}`,
      // Authorship and a year, as archives give names: stripped to join Edgar's species.
      scientificName: `${species[Math.floor(random() * species.length)]} (Survey, 1901)`,
      class: "Aves",
      decimalLatitude: (-12 - random() * 30).toFixed(5),
      decimalLongitude: (115 + random() * 35).toFixed(5),
      eventDate: day,
      basisOfRecord: "HumanObservation",
    });
  }
  // Sightings the ALA holds, and neither the second atlas nor GBIF does: same species, day and place (the ALA's duplicate rule, docs/ala-api.md).
  const alaSightings = await db.pool.query<{ id: string; name: string; lat: number; lon: number; day: string }>(
    `SELECT o.source_id::text AS id, s.scientific_name AS name, o.lat, o.lon, to_char(o.event_date, 'YYYY-MM-DD') AS day
     FROM occurrences o JOIN species s ON s.id = o.species_id
     WHERE o.source = 1 AND NOT o.sensitive AND o.event_date IS NOT NULL AND o.lat IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM occurrences x WHERE x.duplicate_of = o.id) ORDER BY o.id LIMIT 10`,
  );
  for (const [i, r] of alaSightings.rows.entries()) {
    archive.sharedWithAla.push({ alaId: r.id, row: { occurrenceID: `survey-ala-${i}`, scientificName: r.name, class: "Aves", decimalLatitude: String(r.lat), decimalLongitude: String(r.lon), eventDate: r.day } });
  }
  // GBIF's own records (not the ALA's), by their occurrenceID.
  const fromAla = new Set(gbif.truth().records.filter((r) => r.alaUuid).map((r) => r.occurrenceID));
  const gbifOwn = [...(await expectedGbif(db.pool, gbif)).records.values()].filter((r) => !fromAla.has(r.key)).slice(0, 5);
  for (const r of gbifOwn) {
    archive.sharedWithGbif.push({ occurrenceID: r.key, row: { occurrenceID: r.key, scientificName: r.species, class: "Aves", decimalLatitude: "-30.5", decimalLongitude: "140.5", eventDate: "2021-06-01" } });
  }
  archive.skipped.push(
    ...[1, 2, 3].map((i) => ({ occurrenceID: `survey-mammal-${i}`, scientificName: "Vombatus ursinus (Shaw, 1800)", class: "Mammalia", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "2021-01-01" })),
    ...[1, 2].map((i) => ({ occurrenceID: `survey-unknown-${i}`, scientificName: "Nonexistia imaginaria Smith, 1900", class: "Aves", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "2021-01-01" })),
  );
}

/** Uploads an archive as /admin does (POST /api/admin/sources/{id}/sync with the zip) and runs the worker's job for it. */
async function upload(file: string) {
  await syncSource(ids.dwca, Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>);
  const [job] = await (await queue()).fetch<SourceSyncJob>(SOURCE_QUEUES.sync);
  expect(job.data.sourceId).toBe(ids.dwca);
  await handleSourceSync(job.data);
  // The upload is deleted once imported.
  expect(fs.existsSync(job.data.file!)).toBe(false);
  return (await getSource(db.pool, ids.dwca))!.lastRun!;
}

describe("four kinds of source in one database", () => {
  it("the ALA, a second Living Atlas, GBIF and an uploaded archive each end equal to their source, with shared sightings counted once", { timeout: 300_000 }, async () => {
    expect((await runSync({ kind: "full" })).status).toBe("succeeded");
    const species = (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM species")).rows[0].n;

    const sharedAtlas = shareSightings(ala, atlas, 12);
    ids.atlas = (await addSource(db.pool, { kind: "living_atlas", name: "Second atlas", settings: { biocacheUrl: atlas.url, email: TEST_DOWNLOAD_EMAIL } })).id;
    expect((await runSource(db.pool, ids.atlas)).status).toBe("succeeded");
    ids.gbif = (await addSource(db.pool, { kind: "gbif", name: "GBIF", settings: { apiUrl: gbif.apiUrl }, credentials: { ...GBIF_SIMULATOR_USER } })).id;
    expect((await runSource(db.pool, ids.gbif)).error).toBeNull();
    ids.dwca = (await addSource(db.pool, { kind: "dwca", name: "Backyard survey", settings: { location: path.join(dir, "unused.zip") } })).id;
    await buildArchive();
    const dwcaRun = await upload(await writeArchive(path.join(dir, "survey-v1.zip"), rows()));
    const dwcaCount = SURVEY + archive.sharedWithAla.length + archive.sharedWithGbif.length;
    expect(dwcaRun).toMatchObject({ status: "succeeded", added: dwcaCount, skipped: 5, error: null });

    // Counts per source: each equal to its ground truth, as the Sources panel shows them.
    const alaExpected = expectedCopy(ala).records;
    expect(differences(await atlasRecords(db.pool, 1), alaExpected)).toEqual([]);
    const atlasExpected = (await expectedAtlas(db.pool, atlas, ids.atlas)).records;
    expect(differences(await atlasRecords(db.pool, ids.atlas), atlasExpected)).toEqual([]);
    const gbifExpected = (await expectedGbif(db.pool, gbif)).records;
    expect(await gbifRecords(db.pool, ids.gbif)).toEqual(gbifExpected);
    const counted = new Map((await db.pool.query<{ source: number; n: number }>("SELECT source, count(*)::int AS n FROM occurrences GROUP BY source")).rows.map((r) => [r.source, r.n]));
    expect(counted).toEqual(new Map([[1, alaExpected.size], [ids.atlas, atlasExpected.size], [ids.gbif, gbifExpected.size], [ids.dwca, dwcaCount]]));
    for (const s of [ids.atlas, ids.gbif, ids.dwca]) expect((await getSource(db.pool, s))!.records).toBe(counted.get(s));
    expect((await getSource(db.pool, 1))!.records).toBe(alaExpected.size);
    const skipped = await db.pool.query("SELECT skipped_by_reason FROM source_runs WHERE id = $1", [dwcaRun.id]);
    expect(skipped.rows[0].skipped_by_reason).toEqual({ notBird: 3, unmatchedName: 2 });

    // Species join across sources by name: none created, the archive's names with authorship joined, some species in all four.
    expect((await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM species")).rows[0].n).toBe(species);
    const joined = await db.pool.query<{ key: string; name: string }>(
      "SELECT o.occurrence_key AS key, s.scientific_name AS name FROM occurrences o JOIN species s ON s.id = o.species_id WHERE o.source = $1",
      [ids.dwca],
    );
    const byKey = new Map(rows().map((r) => [r.occurrenceID!, r.scientificName!]));
    expect(joined.rows.every((r) => nameKey(byKey.get(r.key)!) === nameKey(r.name))).toBe(true);
    const everywhere = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM (SELECT species_id FROM occurrences GROUP BY species_id HAVING count(DISTINCT source) = 4) x");
    expect(everywhere.rows[0].n).toBeGreaterThan(0);

    // Shared sightings point at the earliest source's record and count once.
    const atlasLocal = await atlasRecords(db.pool, ids.atlas);
    for (const [atlasId, alaId] of sharedAtlas) expect(atlasLocal.get(atlasId)?.duplicateOf).toBe(alaId);
    const gbifOnAla = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM occurrences g JOIN occurrences a ON a.id = g.duplicate_of WHERE g.source = $1 AND a.source = 1", [ids.gbif]);
    expect(gbifOnAla.rows[0].n).toBe((await expectedGbif(db.pool, gbif)).shared);
    const archiveDuplicates = await db.pool.query<{ key: string; of_source: number; of_id: string; of_key: string | null }>(
      `SELECT d.occurrence_key AS key, r.source AS of_source, r.source_id::text AS of_id, r.occurrence_key AS of_key
       FROM occurrences d JOIN occurrences r ON r.id = d.duplicate_of WHERE d.source = $1 ORDER BY d.occurrence_key`,
      [ids.dwca],
    );
    expect(new Map(archiveDuplicates.rows.filter((r) => r.of_source === 1).map((r) => [r.key, r.of_id]))).toEqual(new Map(archive.sharedWithAla.map((s) => [s.row.occurrenceID!, s.alaId])));
    expect(archiveDuplicates.rows.filter((r) => r.of_source === ids.gbif).map((r) => r.of_key).sort()).toEqual(archive.sharedWithGbif.map((s) => s.occurrenceID).sort());
    expect(archiveDuplicates.rows).toHaveLength(archive.sharedWithAla.length + archive.sharedWithGbif.length);
    expect(await countsThatDiffer(db.pool)).toEqual([]);
  });

  it("each source's deletes touch only its own records", { timeout: 300_000 }, async () => {
    // The archive's new version lacks 20 of its rows.
    await deletesOnlyItsOwn(ids.dwca, 20, async () => upload(await writeArchive(path.join(dir, "survey-v2.zip"), rows(20))));

    // GBIF no longer has four records, one of them the representative of an archive's sighting: that one now counts.
    const dropped = archive.sharedWithGbif[0].occurrenceID;
    const held = await gbifRecords(db.pool, ids.gbif);
    const truth = gbif.truth().records.filter((r) => held.has(r.occurrenceID));
    const gone = [truth.find((r) => r.occurrenceID === dropped)!, ...truth.filter((r) => !r.alaUuid && !archive.sharedWithGbif.some((s) => s.occurrenceID === r.occurrenceID)).slice(0, 3)];
    gbif.data.delete(gone.map((r) => r.gbifID));
    await deletesOnlyItsOwn(ids.gbif, 4, () => runSource(db.pool, ids.gbif, { full: true }));
    const survivor = await db.pool.query("SELECT duplicate_of FROM occurrences WHERE source = $1 AND occurrence_key = $2", [ids.dwca, dropped]);
    expect(survivor.rows).toEqual([{ duplicate_of: null }]);

    // The second atlas deletes five records.
    const atlasHeld = [...(await atlasRecords(db.pool, ids.atlas)).keys()].slice(0, 5);
    atlas.world.deleteRecords({ uuids: atlasHeld });
    await deletesOnlyItsOwn(ids.atlas, 5, () => runSource(db.pool, ids.atlas));

    // The ALA deletes a record an archive's row duplicates, and four more: the archive's row stays, and counts.
    const alaShared = archive.sharedWithAla[0];
    const alaGone = [alaShared.alaId, ...[...(await atlasRecords(db.pool, 1)).keys()].filter((id) => !archive.sharedWithAla.some((s) => s.alaId === id)).slice(0, 4)];
    ala.world.deleteRecords({ uuids: alaGone });
    await deletesOnlyItsOwn(1, 5, async () => {
      const run = await runSync();
      expect(run.status).toBe("succeeded");
      return { deleted: run.run!.counts.deleted };
    });
    const kept = await db.pool.query("SELECT duplicate_of FROM occurrences WHERE source = $1 AND occurrence_key = $2", [ids.dwca, alaShared.row.occurrenceID]);
    expect(kept.rows).toHaveLength(1);
    expect(kept.rows[0].duplicate_of).toBeNull();

    // And each source still equals its ground truth.
    expect(differences(await atlasRecords(db.pool, 1), expectedCopy(ala).records)).toEqual([]);
    expect(differences(await atlasRecords(db.pool, ids.atlas), (await expectedAtlas(db.pool, atlas, ids.atlas)).records)).toEqual([]);
    expect(await gbifRecords(db.pool, ids.gbif)).toEqual((await expectedGbif(db.pool, gbif)).records);
  });
});
