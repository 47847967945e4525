/**
 * Shared by the sync's integration tests: a simulator on 127.0.0.1, a fast-retrying client for
 * it, and the expected local copy of its world (computed record by record from the simulator's
 * own search answers, through the same normaliser and rules the sync must apply).
 */
import type pg from "pg";
import { createAlaClient, type AlaClient, type AlaClientOptions } from "@/lib/ala/client";
import { normaliseRecord } from "@/lib/ala/normalise";
import { parseRecord } from "@/lib/ala/schemas";
import { classificationCode } from "@/lib/domain/codes";
import { isRelevant, rate } from "@/lib/ratings/rules";
import { startSimulator, type Simulator, type SimulatorOptions, type SpeciesSummary } from "@/lib/simulator";
import { searchRecord } from "@/lib/simulator/record";
import type { StagedRow } from "./prepare";

export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ records: 3000, seed: 7, ...options });
}

/**
 * A client for the simulator that retries at once (1 ms back-off, Retry-After capped at 5 ms).
 * A number for `options` is the number of retries.
 */
export function clientFor(sim: Pick<Simulator, "url">, options: number | Partial<AlaClientOptions> = {}): AlaClient {
  if (typeof options === "number") options = { retries: options };
  return createAlaClient({
    biocacheUrl: sim.url,
    imagesUrl: sim.url,
    retries: 3,
    retryBaseMs: 1,
    timeoutMs: 2_000,
    maxRetryAfterMs: 5,
    logger: { warn: () => undefined },
    ...options,
  });
}

/** The account tests name in offline download requests (the simulator accepts any well-formed address). */
export const TEST_DOWNLOAD_EMAIL = "edgar-tests@example.org";

/** The environment that points Edgar's configured ALA client at the simulator, retrying at once. */
export function alaEnv(sim: Pick<Simulator, "url">, retries = 3): Record<string, string> {
  return {
    ALA_BIOCACHE_URL: sim.url,
    ALA_IMAGES_URL: sim.url,
    SYNC_RETRY_BASE_MS: "1",
    SYNC_RETRIES: String(retries),
    SYNC_REQUEST_TIMEOUT_MS: "5000",
    ALA_DOWNLOAD_EMAIL: TEST_DOWNLOAD_EMAIL,
    SYNC_DOWNLOAD_POLL_MS: "20",
  };
}

/** alaEnv for this process (what the worker's handlers use); before anything reads config(), which is parsed once. */
export function configureAlaFor(sim: Pick<Simulator, "url">, retries = 3): void {
  Object.assign(process.env, alaEnv(sim, retries));
}

export interface ExpectedRecord {
  guid: string;
  rating: number;
  sensitive: boolean;
  duplicateStatus: number;
  lat: number | null;
  lon: number | null;
  imageId: string | null;
  dataset: string | null;
}

export interface Expected {
  records: Map<string, ExpectedRecord>;
  skipped: Record<string, number>;
}

export interface WorldChanges {
  /** The species split in two, and the new (western) one. */
  split: SpeciesSummary;
  western: SpeciesSummary;
  /** `from` merged into `into`. */
  from: SpeciesSummary;
  into: SpeciesSummary;
  retired: SpeciesSummary;
}

/**
 * Everything that happens to the ALA between two syncs: records added, updated and deleted, a
 * species split, two merged and one retired (the three largest species and a small one).
 */
export function changeWorld(sim: Simulator, scale = 1): WorldChanges {
  const w = sim.world;
  const bySize = w.speciesList().filter((s) => !s.retired).sort((a, b) => b.count - a.count);
  const [split, from, into] = bySize;
  const retired = bySize.find((s) => s.count >= 5 && s.count <= 40 && ![split, from, into].includes(s))!;
  w.addRecords({ count: Math.ceil(60 * scale) });
  w.updateRecords({ count: Math.ceil(40 * scale) });
  w.deleteRecords({ count: Math.ceil(25 * scale) });
  // A name of its own each time, so the same species can be split again in a later round.
  const { species: western } = w.splitSpecies({ guid: split.guid, fraction: 0.4, scientificName: `${split.scientificName} occidentalis ${w.version}` });
  w.mergeSpecies({ from: from.guid, into: into.guid });
  w.retireSpecies({ guid: retired.guid });
  return { split, western, from, into, retired };
}

/** What the local copy must hold for the simulator's current world. */
export function expectedCopy(sim: Simulator): Expected {
  const w = sim.world;
  const records = new Map<string, ExpectedRecord>();
  const skipped: Record<string, number> = {};
  for (const i of w.indexes.bySpecies) {
    const parsed = parseRecord(searchRecord(w, i, sim.url));
    if (!parsed.ok) throw new Error(parsed.reason);
    const result = normaliseRecord(parsed.record);
    if (!result.ok) throw new Error(result.detail);
    const row = result.row;
    const relevance = isRelevant(row);
    if (!relevance.relevant) {
      skipped[relevance.reason] = (skipped[relevance.reason] ?? 0) + 1;
      continue;
    }
    records.set(row.sourceId, {
      guid: row.speciesGuid,
      rating: classificationCode[rate(row).rating],
      sensitive: row.sensitive,
      duplicateStatus: row.duplicateStatus,
      lat: row.lat === null ? null : Math.fround(row.lat),
      lon: row.lon === null ? null : Math.fround(row.lon),
      imageId: row.image?.imageId ?? null,
      dataset: row.dataset?.uid ?? null,
    });
  }
  return { records, skipped };
}

/** The local copy in the same shape. */
export async function localCopy(db: pg.Pool): Promise<Map<string, ExpectedRecord & { classification: number }>> {
  const { rows } = await db.query(
    `SELECT o.source_id, s.guid, o.rating, o.classification, o.sensitive, o.duplicate_status, o.lat, o.lon, i.image_id, d.uid
     FROM classified_occurrences o JOIN species s ON s.id = o.species_id
     LEFT JOIN occurrence_images i ON i.occurrence_id = o.id LEFT JOIN datasets d ON d.id = o.dataset_id`,
  );
  return new Map(rows.map((r) => [r.source_id, { ...storedRecord(r), classification: r.classification }]));
}

/** A stored record's row (guid, rating, sensitive, duplicate_status, lat, lon, image_id, uid) in the shape of the expected copy. */
export function storedRecord(r: Record<string, unknown>): ExpectedRecord {
  return {
    guid: r.guid as string,
    rating: r.rating as number,
    sensitive: r.sensitive as boolean,
    duplicateStatus: r.duplicate_status as number,
    // real columns come back as their shortest decimal form: compare as float32
    lat: r.lat === null ? null : Math.fround(r.lat as number),
    lon: r.lon === null ? null : Math.fround(r.lon as number),
    imageId: r.image_id as string | null,
    dataset: r.uid as string | null,
  };
}

/** Differences between the local copy and the expected one (empty when equal), for readable failures. */
export async function differences(db: pg.Pool, sim: Simulator): Promise<string[]> {
  const expected = expectedCopy(sim).records;
  const local = await localCopy(db);
  const out: string[] = [];
  for (const [id, e] of expected) {
    const l = local.get(id);
    if (!l) out.push(`missing ${id} (${e.guid})`);
    else {
      const { classification, ...rest } = l;
      if (JSON.stringify(rest) !== JSON.stringify(e)) out.push(`differs ${id}: local ${JSON.stringify(rest)} expected ${JSON.stringify(e)}`);
      if (classification !== e.rating) out.push(`classification of ${id} is ${classification}, rating ${e.rating}`);
    }
  }
  for (const [id, l] of local) if (!expected.has(id)) out.push(`extra ${id} (${l.guid})`);
  return out.slice(0, 20);
}

/** Species rows agree with their records (counts) — what tiles and the species API rely on. */
export async function staleSpeciesCounts(db: pg.Pool): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT s.guid, s.occurrence_count, c.n, s.assumed_valid_count, c.av, s.assumed_invalid_count, c.ai
     FROM species s LEFT JOIN (
       SELECT species_id, count(*)::int AS n, count(*) FILTER (WHERE classification = 2)::int AS av,
              count(*) FILTER (WHERE classification = 3)::int AS ai
       FROM classified_occurrences GROUP BY species_id) c ON c.species_id = s.id
     WHERE s.occurrence_count <> COALESCE(c.n, 0) OR s.assumed_valid_count <> COALESCE(c.av, 0) OR s.assumed_invalid_count <> COALESCE(c.ai, 0)`,
  );
  return rows;
}

// Also here, where other test files first found them.
export { eventually, spawnTs, type Child } from "./test-process";

/** A staged row of species 12 at (-35.123456, 149), 2019-03-21, rated assumed valid; `over` changes any field. */
export function stagedRow(over: Partial<StagedRow> = {}): StagedRow {
  return {
    sourceId: "00000000-0000-4000-8000-000000000001",
    speciesId: 12,
    datasetId: null,
    lat: -35.123456,
    lon: 149,
    uncertaintyM: null,
    eventDate: "2019-03-21",
    year: 2019,
    basisOfRecord: 1,
    assertions: 0n,
    sensitive: false,
    duplicateStatus: 0,
    rating: 1,
    sourceLoadedAt: null,
    imageId: null,
    accurate: null,
    ...over,
  };
}
