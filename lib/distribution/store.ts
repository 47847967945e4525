/**
 * Stored range products per species (species_distributions): rebuilt by the worker's
 * build-distribution job (lib/jobs) from the records that count, read by the API. A build is
 * keyed by what it was built from, the species' data version and its vettings digest, so a
 * reader can tell when one is pending and a repeated job for the same state does nothing.
 */
import type pg from "pg";
import type { FeatureCollection } from "geojson";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { transaction } from "@/lib/db/transaction";
import { VETTINGS_VERSION_SQL } from "@/lib/species/detail";
import { buildProducts, DEFAULT_SETTINGS, inputsDigest, type DistributionProducts, type DistributionSettings, type GridProducts } from "./build";
import { featureCollectionText } from "./geojson-text";
import { hullsInThread, THREAD_FROM_POSITIONS, warmHullThread } from "./hulls";
import { countedVariants, type ReadOptions } from "./records";
import type { SharedGrids } from "./variant-grids";

/** The settings from the configuration (lib/config), for one variant. */
export function settingsFor(includeContentious: boolean): DistributionSettings {
  const c = config();
  return {
    ...DEFAULT_SETTINGS,
    alpha: c.DISTRIBUTION_ALPHA,
    aoo: { ...DEFAULT_SETTINGS.aoo, cellKm: c.DISTRIBUTION_AOO_CELL_KM },
    displayCellKm: c.DISTRIBUTION_CELL_KM,
    includeContentious,
  };
}

interface SourceState {
  dataVersion: number;
  vettingsVersion: string;
  contentiousCount: number;
  recordsVersion: number;
  occurrenceCount: number;
}

async function sourceState(client: pg.PoolClient | pg.Pool, speciesId: number): Promise<SourceState | null> {
  const { rows } = await client.query<{ data_version: number; vettings_version: string; contentious_count: number; records_version: number; occurrence_count: number }>(
    `SELECT s.data_version, ${VETTINGS_VERSION_SQL} AS vettings_version, s.contentious_count, s.records_version, s.occurrence_count
       FROM species s WHERE s.id = $1`,
    [speciesId],
  );
  const r = rows[0];
  return r
    ? { dataVersion: r.data_version, vettingsVersion: r.vettings_version, contentiousCount: r.contentious_count, recordsVersion: r.records_version, occurrenceCount: r.occurrence_count }
    : null;
}

/**
 * What a rebuild did: each variant stored, when (ms from the start) it was stored and announced,
 * and whether it was built or only re-stamped (its records had not changed).
 */
export interface Rebuild {
  built: boolean;
  ms: number;
  variants: { includeContentious: boolean; storedMs: number; restamped: boolean }[];
}

/**
 * What this process last stored for a species' variant: the digest of what it was built from
 * (inputsDigest) and the versions it was stored under. A vetting that changes no record that
 * counts (a second expert confirming what another vetted, or known valid over records assumed
 * valid) then re-stamps the stored products with the new versions instead of building them again.
 * Held in memory only: a restarted worker, which may run newer build code, builds again.
 */
const lastStored = new Map<string, { digest: string; dataVersion: number; vettingsVersion: string }>();

/**
 * Builds and stores the species' products that were not built from its current state (every
 * variant when forced). Records and versions are read in one snapshot, so the stored versions say
 * exactly what was used. The default variant, the one the page shows, is stored (and announced)
 * first, as soon as it is built: the page does not wait for the one with contentious records,
 * whose hulls a thread makes after the default's (hulls.ts).
 */
export async function rebuildDistribution(
  speciesId: number,
  { force = false, cacheFrom }: { force?: boolean; cacheFrom?: ReadOptions["cacheFrom"] } = {},
): Promise<Rebuild> {
  const started = performance.now();
  const read = await transaction(async (client) => {
    const state = await sourceState(client, speciesId);
    if (!state) return null;
    const stored = await client.query<{ include_contentious: boolean; data_version: number; vettings_version: string }>(
      "SELECT include_contentious, data_version, vettings_version FROM species_distributions WHERE species_id = $1",
      [speciesId],
    );
    const fresh = (includeContentious: boolean) =>
      stored.rows.some((r) => r.include_contentious === includeContentious && r.data_version === state.dataVersion && r.vettings_version === state.vettingsVersion);
    // Contentious records change nothing when there are none: the second variant is built only when they exist.
    const variants = (state.contentiousCount > 0 ? [false, true] : [false]).filter((v) => force || !fresh(v));
    if (!variants.length) return null;
    const settings = variants.map((includeContentious) => settingsFor(includeContentious));
    // Hulls of this many positions are made in the thread (distinct positions can only be fewer than
    // records): started now, it is ready when the records are.
    if (state.occurrenceCount >= THREAD_FROM_POSITIONS) warmHullThread();
    // Every variant from one read of the records (records.ts); after a vetting, a large species' records come from memory.
    const t = performance.now();
    const records = await countedVariants(client, speciesId, settings, { recordsVersion: state.recordsVersion, cacheFrom });
    return { state, variants, settings, records, readMs: (performance.now() - t) / variants.length };
  }, pool(), "snapshot");
  if (!read) return { built: false, ms: 0, variants: [] };
  const done: Rebuild["variants"] = [];
  const stored = (includeContentious: boolean, digest: string, restamped: boolean) => {
    lastStored.set(`${speciesId}:${includeContentious}`, { digest, dataVersion: read.state.dataVersion, vettingsVersion: read.state.vettingsVersion });
    done.push({ includeContentious, storedMs: Math.round(performance.now() - started), restamped });
  };
  const toBuild: { v: number; digest: string }[] = [];
  for (let v = 0; v < read.variants.length; v++) {
    const includeContentious = read.variants[v];
    const digest = inputsDigest(read.records[v], read.settings[v]);
    const last = lastStored.get(`${speciesId}:${includeContentious}`);
    if (!force && last?.digest === digest && (await restamp(speciesId, includeContentious, last, read.state))) stored(includeContentious, digest, true);
    else toBuild.push({ v, digest });
  }
  // The thread makes the hulls one variant after the other while the variants' grids are counted
  // here, and each variant is stored on a connection of its own: its cells once they are counted
  // and the variant before it has committed, the rest when its hulls come. A variant's grids are
  // counted once the one before it has written its cells (and from the grids it left,
  // variant-grids.ts): counting afresh holds this event loop for a few hundred ms, which would
  // keep the first variant's 10 MB of cells from PostgreSQL and its row from completing when its
  // hulls come. Each variant commits (and is announced) only after the one before it: the default first.
  const t = performance.now();
  let committed: Promise<unknown> = Promise.resolve();
  // The default variant's grids, from which the one with contentious records (its records and a few more) is counted.
  const shared: SharedGrids = {};
  let cellsBefore: Promise<unknown> = Promise.resolve();
  const stores = toBuild.map(({ v, digest }) => {
    const includeContentious = read.variants[v];
    let gridsCounted!: (grids: GridProducts) => void;
    const counted = new Promise<GridProducts>((resolve) => (gridsCounted = resolve));
    let cellsWritten!: () => void;
    const written = new Promise<void>((resolve) => (cellsWritten = resolve));
    // Its time: the read's share, and from the builds' start until its products were ready.
    const built = cellsBefore
      .then(() => buildProducts(read.records[v], read.settings[v], hullsInThread, gridsCounted, shared))
      .then((products) => ({ products, ms: Math.round(read.readMs + performance.now() - t) }));
    // A build that ends without counting grids (no records), or fails first, settles them too.
    const grids = Promise.race([counted, built.then(({ products }) => products)]);
    // A store that failed before it waited for them leaves them unheard: the build's failure must not end the process.
    grids.catch(() => undefined);
    const after = committed;
    const mine = store(speciesId, read.state, { includeContentious, settings: read.settings[v], grids, built, cellsWritten }, after).then(() => stored(includeContentious, digest, false));
    committed = mine;
    // A store that fails before writing its cells lets the next variant go on to fail with it.
    cellsBefore = Promise.race([written, mine.catch(() => undefined)]);
    return mine;
  });
  // Every store settled (rolled back, if one before it failed) before the first failure is thrown:
  // a retried job must not meet a transaction still writing.
  const settled = await Promise.allSettled(stores);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  // A re-stamped second variant was listed before a built first one: the default variant comes first.
  done.sort((a, b) => Number(a.includeContentious) - Number(b.includeContentious));
  return { built: true, ms: Math.round(performance.now() - started), variants: done };
}

/**
 * Moves the stored products of a variant, built from records equal to the current ones, to the
 * species' current versions; false when the row is no longer the one this process stored.
 */
async function restamp(speciesId: number, includeContentious: boolean, last: { dataVersion: number; vettingsVersion: string }, state: SourceState): Promise<boolean> {
  return transaction(async (client) => {
    const { rowCount } = await client.query(
      `UPDATE species_distributions SET data_version = $3, vettings_version = $4, built_at = now()
        WHERE species_id = $1 AND include_contentious = $2 AND data_version = $5 AND vettings_version = $6`,
      [speciesId, includeContentious, state.dataVersion, state.vettingsVersion, last.dataVersion, last.vettingsVersion],
    );
    if (rowCount !== 1) return false;
    await dropOrphanedContentious(client, speciesId, includeContentious, state);
    return true;
  });
}

/** A contentious variant left from when the species had contentious records goes with the default it belonged to. */
async function dropOrphanedContentious(client: pg.PoolClient, speciesId: number, includeContentious: boolean, state: SourceState): Promise<void> {
  if (!includeContentious && state.contentiousCount === 0) {
    await client.query("DELETE FROM species_distributions WHERE species_id = $1 AND include_contentious", [speciesId]);
  }
}

interface Building {
  includeContentious: boolean;
  settings: DistributionSettings;
  grids: Promise<GridProducts>;
  built: Promise<{ products: DistributionProducts; ms: number }>;
  /** Told once the row with its cells is written. */
  cellsWritten: () => void;
}

/**
 * Stores a variant: its row is written with its cells once they are counted and `after` (the
 * variant before it) has committed, a failure there rolling this one back too (build_ms -1: not
 * announced yet), and completed when the hulls come: an UPDATE that leaves the cells' stored value as it is.
 */
async function store(speciesId: number, state: SourceState, { includeContentious, settings, grids, built, cellsWritten }: Building, after: Promise<unknown> = Promise.resolve()): Promise<void> {
  await transaction(async (client) => {
    // Products are made again from the records: a crash that loses this commit loses nothing the
    // next build (staleDistributions) does not redo, so it does not wait for its 10 MB of WAL to reach the disk.
    await client.query("SET LOCAL synchronous_commit = off");
    await client.query("DELETE FROM species_distributions WHERE species_id = $1 AND include_contentious = $2", [speciesId, includeContentious]);
    await dropOrphanedContentious(client, speciesId, includeContentious, state);
    const { recordsUsed, aoo, cells } = await grids;
    // The variant before commits first; its row completes sooner with PostgreSQL not writing these 10 MB beside it.
    await after;
    await client.query(
      `INSERT INTO species_distributions (species_id, include_contentious, data_version, vettings_version, build_ms, records_used,
                                          aoo_km2, products, settings, range, cells)
       VALUES ($1, $2, $3, $4, -1, $5, $6, '{}', $7, '{}', $8)`,
      [speciesId, includeContentious, state.dataVersion, state.vettingsVersion, recordsUsed, aoo?.km2 ?? null, JSON.stringify(settings), featureCollectionText(cells)],
    );
    cellsWritten();
    const { products, ms } = await built;
    const { range, cells: _, recordsUsed: __, eoo, notComputable, ...rest } = products;
    await client.query(
      `UPDATE species_distributions SET build_ms = $3, eoo_km2 = $4, not_computable = $5, products = $6, range = $7, built_at = clock_timestamp()
        WHERE species_id = $1 AND include_contentious = $2`,
      [speciesId, includeContentious, ms, eoo?.km2 ?? null, notComputable ?? null, JSON.stringify(rest), JSON.stringify(range)],
    );
  });
}

/**
 * Species whose stored products are missing or were built from another state: what the worker
 * queues after a sync or at start. The contentious variant counts too: a build stopped between
 * its two variants leaves the second one behind.
 */
export async function staleDistributions(): Promise<number[]> {
  const { rows } = await pool().query<{ id: number }>(
    `SELECT s.id FROM species s
       CROSS JOIN LATERAL (SELECT ${VETTINGS_VERSION_SQL} AS vettings_version) cur
      WHERE s.status = 'active'
        AND EXISTS (SELECT 1 FROM (VALUES (false), (true)) AS v(include_contentious)
                     WHERE (NOT v.include_contentious OR s.contentious_count > 0)
                       AND NOT EXISTS (SELECT 1 FROM species_distributions d
                                        WHERE d.species_id = s.id AND d.include_contentious = v.include_contentious
                                          AND d.data_version = s.data_version AND d.vettings_version = cur.vettings_version))
      ORDER BY s.id`,
  );
  return rows.map((r) => r.id);
}

/** GET /api/species/{id}/distribution (contract), plus what the page shows beside it. */
export interface DistributionAnswer {
  speciesId: number;
  dataVersion: number | null;
  builtAt: string | null;
  recordsUsed: number;
  eoo: { km2: number } | null;
  aoo: { km2: number; cellKm: number; cells: number; offset: number } | null;
  notComputable?: string;
  range: FeatureCollection;
  settings: DistributionSettings;
  alpha: DistributionProducts["alpha"] | null;
  projection: DistributionProducts["projection"] | null;
  snappedToDegrees: number | null;
  displayCell: DistributionProducts["displayCell"] | null;
  includeContentious: boolean;
  /** Vettings or a sync changed the records since the build: a rebuild is queued. */
  pending: boolean;
}

interface Row {
  data_version: number;
  vettings_version: string;
  built_at: Date;
  records_used: number;
  eoo_km2: number | null;
  not_computable: string | null;
  products: Omit<DistributionProducts, "range" | "cells" | "recordsUsed" | "eoo" | "notComputable">;
  settings: DistributionSettings;
  range: FeatureCollection;
  include_contentious: boolean;
  current_data_version: number;
  current_vettings_version: string;
  reclassifying: boolean;
  has_contentious: boolean;
}

/**
 * The stored products of a species (null: no such species). The variant with contentious records
 * falls back to the default one when the species has none. Before the first build: no figures, pending.
 */
export async function readDistribution(speciesId: number, includeContentious: boolean): Promise<DistributionAnswer | null> {
  const { rows } = await pool().query<Row & { exists: boolean }>(
    `SELECT d.data_version, d.vettings_version, d.built_at, d.records_used, d.eoo_km2, d.not_computable, d.products,
            d.settings, d.range, d.include_contentious, s.data_version AS current_data_version,
            ${VETTINGS_VERSION_SQL} AS current_vettings_version,
            EXISTS (SELECT 1 FROM vetting_changes c WHERE c.species_id = s.id) AS reclassifying,
            s.contentious_count > 0 AS has_contentious
       FROM species s
       LEFT JOIN LATERAL (SELECT * FROM species_distributions x WHERE x.species_id = s.id AND (x.include_contentious = $2 OR NOT x.include_contentious)
                           ORDER BY x.include_contentious = $2 DESC LIMIT 1) d ON true
      WHERE s.id = $1`,
    [speciesId, includeContentious],
  );
  const r = rows[0];
  if (!r) return null;
  if (r.built_at === null) {
    return {
      speciesId,
      dataVersion: null,
      builtAt: null,
      recordsUsed: 0,
      eoo: null,
      aoo: null,
      notComputable: "The range has not been built yet.",
      range: { type: "FeatureCollection", features: [] },
      settings: settingsFor(includeContentious),
      alpha: null,
      projection: null,
      snappedToDegrees: null,
      displayCell: null,
      includeContentious,
      pending: true,
    };
  }
  const aoo = r.products.aoo;
  return {
    speciesId,
    dataVersion: r.data_version,
    builtAt: r.built_at.toISOString(),
    recordsUsed: r.records_used,
    eoo: r.eoo_km2 === null ? null : { km2: r.eoo_km2 },
    aoo: aoo ? { km2: aoo.km2, cellKm: aoo.cellKm, cells: aoo.cells, offset: aoo.offset } : null,
    ...(r.not_computable ? { notComputable: r.not_computable } : {}),
    range: r.range,
    settings: { ...r.settings, includeContentious },
    alpha: r.products.alpha,
    projection: r.products.projection,
    snappedToDegrees: r.products.snappedToDegrees,
    displayCell: r.products.displayCell,
    includeContentious,
    pending:
      r.reclassifying ||
      r.data_version !== r.current_data_version ||
      r.vettings_version !== r.current_vettings_version ||
      // The default variant stands in for the contentious one until that is built.
      (r.include_contentious !== includeContentious && r.has_contentious),
  };
}

/** The stored occupancy cells (published geometry), or null when none are built. */
export async function readCells(speciesId: number, includeContentious: boolean): Promise<FeatureCollection | null> {
  const { rows } = await pool().query<{ cells: FeatureCollection }>(
    `SELECT cells FROM species_distributions WHERE species_id = $1 AND (include_contentious = $2 OR NOT include_contentious)
      ORDER BY include_contentious = $2 DESC LIMIT 1`,
    [speciesId, includeContentious],
  );
  return rows[0]?.cells ?? null;
}
