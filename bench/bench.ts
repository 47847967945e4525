/**
 * One bench run, start to end: the simulator and a fresh database, then each measurement in
 * turn on the same data (import, storage, tiles and their two peers, re-classification, range
 * products, incremental sync). Returns every figure; bench/report.ts turns them into JSON and a table.
 */
import { closePool, pool } from "@/lib/db/pool";
import { benchClientClustering, type ClientClusteringFigures } from "./client-clustering";
import { onFreshDatabase, startBenchDatabase } from "./database";
import { benchDistribution, type DistributionFigures } from "./distribution";
import { benchDownloadImports, benchImport, type ImportFigures } from "./import";
import { benchIncremental, type IncrementalFigures } from "./incremental";
import { benchLargeSpecies, type LargeSpeciesFigures } from "./large-species";
import { benchLive, type LiveFigures } from "./live";
import { benchLiveSubmit, type LiveSubmitFigures } from "./live-submit";
import { LoadTracker, type LoadByPhase } from "./load";
import { describeMachine, type Machine } from "./machine";
import { benchModelOnWorld, projectionGrid, type ModelFigures } from "./model";
import { benchPostgis, type PostgisFigures } from "./postgis";
import type { Say } from "./progress";
import { benchReclassify, type ReclassifyFigures } from "./reclassify";
import { speciesByCount, startSimulatorProcess } from "./simulator";
import { benchStorage, type StorageFigures } from "./storage";
import { tileSession } from "./tile-sequence";
import { benchTiles, type TileFigures } from "./tiles";

/** The size at which the largest species should hold a million records (issue 9). */
export const LARGEST_SPECIES_GOAL = 1_000_000;

export interface BenchOptions {
  records: number;
  seed: number;
  /** false: skip the PostGIS peer. */
  postgis: boolean;
  /** Measured passes over the map session's tiles (after one warm-up pass). */
  tilePasses: number;
  /** Length of the 32-client tile load. */
  concurrentSeconds: number;
  /** The world whose largest species the street-level tile phase copies; 0 skips the phase. */
  largeWorld: number;
  /** The world whose largest species the suitability model phase copies and models; 0 skips the phase. */
  modelWorld: number;
  /** Cells a side of the grids the model is projected onto (issue 18: 2 000). */
  modelGrid: number;
  /** Records of the world the submit → tile phase imports (the demo's: 50 000); 0 skips the phase. */
  liveWorld: number;
  /** Vettings submitted in that phase. */
  liveSubmits: number;
  say: Say;
}

export interface BenchResult {
  date: string;
  options: { records: number; seed: number };
  machine: Machine & { postgres: string };
  /** 1-minute load average per phase (2 cores: above 2 means work waited for a core). */
  load: LoadByPhase;
  simulator: {
    mode: string;
    startupSeconds: number;
    records: number;
    species: number;
    largestSpecies: { guid: string; scientificName: string; records: number; note: string | null };
  };
  import: ImportFigures;
  /** The same full import by search paging, on a fresh database (the path before downloads). */
  /** The download import again, its zips already made by the simulator (the ALA's work done elsewhere). */
  zipsReadyImport: ImportFigures;
  searchImport: ImportFigures;
  storage: StorageFigures;
  tiles: TileFigures;
  postgis: PostgisFigures;
  clientClustering: ClientClusteringFigures;
  reclassify: ReclassifyFigures;
  distribution: DistributionFigures;
  incremental: IncrementalFigures;
  /** Street-level tiles of the largest species of a `largeWorld`-record world on a fresh process; null: skipped. */
  largeSpecies: LargeSpeciesFigures | null;
  /** 500 live-update subscribers of the largest species (bench/live.ts). */
  live: LiveFigures;
  /** The suitability model of the largest species of a `modelWorld`-record world (bench/model.ts); null: skipped. */
  model: ModelFigures | null;
  /** Submit → the first tile of the new version on a second open page, demo's species (bench/live-submit.ts); null: skipped. */
  liveSubmit: LiveSubmitFigures | null;
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const machine = describeMachine();
  const date = new Date().toISOString();
  const load = new LoadTracker();
  o.say(`starting the ALA simulator with ${o.records.toLocaleString("en")} records (seed ${o.seed})`);
  const sim = await startSimulatorProcess(o.records, o.seed);
  try {
    const species = await speciesByCount(sim);
    const largest = species[0];
    const liveRecords = species.reduce((n, s) => n + s.count, 0);
    const note =
      largest.count < LARGEST_SPECIES_GOAL
        ? `the largest species has ${largest.count.toLocaleString("en")} records, fewer than the ${LARGEST_SPECIES_GOAL.toLocaleString("en")} the tile and re-classification goals are set for`
        : null;
    if (note) o.say(`note: ${note}`);
    o.say("starting a fresh embedded PostgreSQL");
    const db = await startBenchDatabase();
    // lib/sync and lib/tiles reach the database through lib/db's pool, which reads this.
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    try {
      load.phase("import");
      o.say("full import (simulator → PostgreSQL)");
      const { imported, zipsReady } = await benchDownloadImports(db, sim, o.say);

      load.phase("searchImport");
      o.say("the same full import by search paging, on a second fresh PostgreSQL");
      const searchImport = await onFreshDatabase(db.url, (other) => benchImport(other, sim, o.say, "search"));
      o.say(`  ${searchImport.recordsPerSecond.toLocaleString("en")} records/s by search`);

      load.phase("storage");
      o.say("storage");
      const storage = await benchStorage(db.pool);
      o.say(`  ${storage.heapBytesPerRecord} B heap, ${storage.totalBytesPerRecord} B total per record`);

      const { rows } = await db.pool.query<{ id: number; data_version: number }>("SELECT id, data_version FROM species WHERE guid = $1", [largest.guid]);
      const { id: speciesId, data_version: dataVersion } = rows[0];
      load.phase("tiles");
      const session = await tileSession(db.pool, speciesId);
      o.say(`tiles of ${largest.scientificName} (${largest.count.toLocaleString("en")} records), a session of ${session.length} tiles`);
      const tiles = await benchTiles({ databaseUrl: db.url, speciesId, dataVersion, session, passes: o.tilePasses, concurrentSeconds: o.concurrentSeconds, say: o.say });

      load.phase("postgis");
      o.say("PostGIS peer (ST_AsMVT with ST_SnapToGrid)");
      const postgis = o.postgis
        ? await benchPostgis({ source: db.pool, databaseUrl: db.url, speciesId, session, passes: o.tilePasses, say: o.say })
        : ({ available: false, reason: "skipped (--no-postgis)" } as const);
      if (!postgis.available) o.say(`  ${postgis.reason}`);

      load.phase("clientClustering");
      o.say("client-side clustering peer (GeoJSON + supercluster)");
      const clientClustering = await benchClientClustering(db.pool, speciesId);
      o.say(`  ${(clientClustering.geojsonBytes / 1e6).toFixed(1)} MB of GeoJSON, clustered in ${clientClustering.superclusterLoadMs} ms`);

      load.phase("reclassify");
      o.say("re-classification after vettings");
      const reclassify = await benchReclassify(db.pool, speciesId, o.say);

      load.phase("distribution");
      o.say("range products (EOO, AOO, alpha hull, cells)");
      const distribution = await benchDistribution(db.pool, speciesId, o.say, () => db.processes.cpu());

      load.phase("live");
      o.say("live updates: 500 SSE subscribers of one species");
      const live = await benchLive(db.url, speciesId, o.say);
      o.say(`  event to all in ${live.fanOutMs.p50} ms (p50), ${(live.bytesPerStream.rss / 1024).toFixed(0)} kB RSS per stream`);

      load.phase("incremental");
      o.say("incremental sync of 1 % changed records");
      const incremental = await benchIncremental(db, sim, liveRecords, o.say);
      o.say(`  ${incremental.fetched.toLocaleString("en")} records in ${incremental.seconds} s`);

      load.phase("largeSpecies");
      let largeSpecies: LargeSpeciesFigures | null = null;
      if (o.largeWorld > 0) {
        o.say(`street-level tiles of the largest species of ${o.largeWorld.toLocaleString("en")} records on a fresh process, on a third fresh PostgreSQL`);
        largeSpecies = await onFreshDatabase(db.url, (other) => benchLargeSpecies(other.url, o.largeWorld, o.seed, o.say));
      }

      load.phase("model");
      let model: ModelFigures | null = null;
      if (o.modelWorld > 0) {
        o.say(`suitability model of the largest species of ${o.modelWorld.toLocaleString("en")} records, on a fourth fresh PostgreSQL`);
        model = await onFreshDatabase(db.url, () => benchModelOnWorld(o.modelWorld, o.seed, o.say, projectionGrid(o.modelGrid)));
      }

      load.phase("liveSubmit");
      let liveSubmit: LiveSubmitFigures | null = null;
      if (o.liveWorld > 0) {
        o.say(`live updates: submit → the first new tile on a second open page, ${o.liveSubmits} vettings, on a fifth fresh PostgreSQL`);
        liveSubmit = await onFreshDatabase(db.url, (other) => benchLiveSubmit(other, o.liveSubmits, o.say, o.liveWorld));
      }

      return {
        date,
        options: { records: o.records, seed: o.seed },
        machine: { ...machine, postgres: db.version },
        load: load.stop(),
        simulator: {
          mode: "child process on the same machine (its CPU shares the cores)",
          startupSeconds: Math.round(sim.startupSeconds * 10) / 10,
          records: liveRecords,
          species: species.length,
          largestSpecies: { guid: largest.guid, scientificName: largest.scientificName, records: largest.count, note },
        },
        import: imported,
        zipsReadyImport: zipsReady,
        searchImport,
        storage,
        tiles,
        postgis,
        clientClustering,
        reclassify,
        distribution,
        incremental,
        largeSpecies,
        live,
        model,
        liveSubmit,
      };
    } finally {
      // pg's Pool.end() resolves before its clients' sockets close; the server stopping right
      // after would then surface as an unhandled 'error' on the pool.
      pool().on("error", () => undefined);
      await closePool();
      await db.stop();
      if (previousUrl === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previousUrl;
    }
  } finally {
    await sim.stop();
  }
}
