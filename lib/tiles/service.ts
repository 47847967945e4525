import { config } from "@/lib/config";
import { HttpError } from "@/lib/http/respond";
import { buildInWorker } from "./build";
import { BANDS } from "./build-worker.mjs";
import { IndexCache, type TileIndex } from "./cache";
import { ChunkCache, type FeatureSource } from "./chunk-cache";
import { loadCoarseCells } from "./coarse-cells";
import { encodeTile } from "./encode";
import { etagMatches, tileEtag } from "./etag";
import { ExactBuildGate } from "./exact-build-gate";
import { hasExactChunks, loadExactChunk } from "./exact-chunks-store";
import { canonicalFilters, DEFAULT_FILTERS, type TileFilters } from "./filters";
import { loadRecords, speciesDataVersion } from "./load";
import { bandForZoom, splitClusterId } from "./packed-index";
import { VersionCache } from "./versions";

export const MAX_ZOOM = 22;
export const CONTENT_TYPE = "application/vnd.mapbox-vector-tile";
/**
 * The data version in a tile URL (`v`) is only a hint (an old or absent one still gets current
 * tiles), so a cache may keep a tile only briefly; the strong ETag makes revalidating it cheap (a
 * 304 needs no index). The map's URL changes with the version, so it never waits out max-age.
 */
export const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";

export interface TileRequest {
  speciesId: number;
  z: number;
  x: number;
  y: number;
  filters: TileFilters;
  ifNoneMatch?: string | null;
  /** The data version the client knows of (the map's `v` parameter): never answer with an older one. */
  versionHint?: number | null;
}

export interface TileResult {
  status: 200 | 204 | 304;
  body?: Uint8Array;
  headers: Record<string, string>;
}

/** Path segments → tile address; 400 unless integers with z in 0..22 and x, y in 0..2^z-1. */
export function parseTileAddress(z: string, x: string, y: string): { z: number; x: number; y: number } {
  const int = (name: string, v: string) => {
    if (!/^\d{1,10}$/.test(v)) throw new HttpError(400, "invalid_tile", `${name} must be a whole number, not "${v}".`);
    return Number(v);
  };
  const address = { z: int("z", z), x: int("x", x), y: int("y", y) };
  checkAddress(address);
  return address;
}

function checkAddress({ z, x, y }: { z: number; x: number; y: number }): void {
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM) throw new HttpError(400, "invalid_tile", `z must be a whole number from 0 to ${MAX_ZOOM}.`);
  const last = 2 ** z - 1;
  for (const [name, v] of [["x", x], ["y", y]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > last) throw new HttpError(400, "invalid_tile", `${name} must be a whole number from 0 to ${last} at zoom ${z}.`);
  }
}

/** The `v` query parameter: the data version the client has seen; ignored unless a whole number. */
export function parseVersionHint(params: URLSearchParams): number | null {
  const v = params.get("v");
  return v !== null && /^\d{1,9}$/.test(v) ? Number(v) : null;
}

export function parseSpeciesId(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new HttpError(400, "invalid_species", `"${value}" is not a species id.`);
  return Number(value);
}

/**
 * How long a species' tiles must be quiet before a process that answers its deep tiles from chunks
 * builds the exact band itself, and how long it waits at most (lib/tiles/exact-build-gate.ts). A
 * map view's tiles come in one burst, so a second of quiet is a user looking, not zooming.
 */
export interface DeferredBuild {
  idleMs: number;
  maxMs: number;
  hasChunks: (speciesId: number, dataVersion: number) => Promise<boolean>;
}
const DEFERRED_BUILD: DeferredBuild = { idleMs: 1000, maxMs: 30_000, hasChunks: hasExactChunks };

/** Tiles and cluster expansion over one cache of cluster indexes. */
export class TileService {
  /** Per species and data version (default filters), the gate of an exact band still held back. */
  private readonly gates = new Map<string, ExactBuildGate>();

  constructor(
    readonly cache: IndexCache,
    readonly versions = new VersionCache(speciesDataVersion),
    readonly chunks = new ChunkCache(Math.floor(cache.maxBytes / 4), loadExactChunk),
    private readonly deferred: DeferredBuild = DEFERRED_BUILD,
  ) {}

  async getTile({ speciesId, z, x, y, filters, ifNoneMatch, versionHint }: TileRequest): Promise<TileResult> {
    checkAddress({ z, x, y });
    const dataVersion = await this.version(speciesId, versionHint);
    const canonical = canonicalFilters(filters);
    const etag = tileEtag({ speciesId, dataVersion, filters: canonical, address: `${z}/${x}/${y}` });
    const headers = { etag, "cache-control": CACHE_CONTROL };
    if (etagMatches(ifNoneMatch, etag)) return { status: 304, headers };
    const features = (await this.band(speciesId, dataVersion, filters, canonical, z, x, y)).features(z, x, y);
    if (features.length === 0) return { status: 204, headers };
    return { status: 200, body: encodeTile(features), headers: { ...headers, "content-type": CONTENT_TYPE } };
  }

  /** The zoom at which a clicked cluster splits; null for records stacked at one position. 404 if unknown. */
  async getClusterExpansionZoom(
    speciesId: number,
    clusterId: number,
    filters: TileFilters,
    versionHint: number | null = null,
  ): Promise<{ clusterId: number; expansionZoom: number | null; dataVersion: number }> {
    const dataVersion = await this.version(speciesId, versionHint);
    const { band, raw } = splitClusterId(clusterId);
    const canonical = canonicalFilters(filters);
    // Chunks give no expansion zooms: the whole band is needed now.
    if (canonical === DEFAULT_CANONICAL) this.gates.get(gateKey(speciesId, dataVersion))?.open();
    const expansionZoom = (await this.index(speciesId, dataVersion, filters, canonical).bands[band]).expansionZoom(raw);
    if (expansionZoom === undefined) {
      throw new HttpError(404, "unknown_cluster", `No cluster ${clusterId} in species ${speciesId}'s current tiles with these filters.`);
    }
    return { clusterId, expansionZoom, dataVersion };
  }

  private async version(speciesId: number, versionHint: number | null = null): Promise<number> {
    const dataVersion = await this.versions.get(speciesId, versionHint);
    if (dataVersion === null) throw new HttpError(404, "species_not_found", `There is no species ${speciesId}.`);
    return dataVersion;
  }

  /**
   * The band a tile is drawn from. While a species' exact band is still being built (a fresh
   * process: seconds for a million records), a deep tile is drawn from the worker's prebuilt chunk
   * of its region for this very data version, which gives the same tile; without one, it waits.
   */
  private async band(speciesId: number, dataVersion: number, filters: TileFilters, canonical: string, z: number, x: number, y: number): Promise<FeatureSource> {
    const index = this.index(speciesId, dataVersion, filters, canonical);
    const defaults = canonical === DEFAULT_CANONICAL;
    const gate = defaults ? this.gates.get(gateKey(speciesId, dataVersion)) : undefined;
    gate?.touch();
    const i = bandForZoom(z);
    const ready = index.ready[i];
    if (ready) return ready;
    if (i === EXACT_BAND && defaults) {
      const chunk = await this.chunks.get(speciesId, dataVersion, z, x, y);
      if (chunk) return index.ready[i] ?? chunk;
    }
    // No chunk answers this deep tile: it waits for the band, so the band must not wait.
    if (i === EXACT_BAND) gate?.open();
    return index.bands[i];
  }

  /** `canonical`: canonicalFilters(filters), which the caller has made already. */
  private index(speciesId: number, dataVersion: number, filters: TileFilters, canonical: string): TileIndex {
    // The records are read after the version, so an index may hold slightly newer data than its
    // key says; the next version bump replaces it, and nothing older is ever served as newer.
    return this.cache.get({ speciesId, dataVersion, filters: canonical }, (previous) => {
      const cells = canonical === DEFAULT_CANONICAL ? loadCoarseCells(speciesId, dataVersion) : null;
      // After a vetting only categories change: the previous exact band is recounted, not rebuilt.
      const previousExact = previous?.bands[EXACT_BAND].then((b) => b.band) ?? null;
      const records = () => loadRecords(speciesId, filters);
      const gate = cells ? this.gate(speciesId, dataVersion, cells) : null;
      return buildInWorker(gate ? () => gate.opened.then(records) : records, cells, previousExact);
    });
  }

  /**
   * Holds the exact band's build back while chunks of this version answer its tiles. Open at once
   * without chunks, or without coarse cells (the records then give the coarse band too).
   */
  private gate(speciesId: number, dataVersion: number, cells: Promise<unknown>): ExactBuildGate {
    const key = gateKey(speciesId, dataVersion);
    const gate = new ExactBuildGate(this.deferred.idleMs, this.deferred.maxMs);
    this.gates.set(key, gate);
    void gate.opened.then(() => {
      if (this.gates.get(key) === gate) this.gates.delete(key);
    });
    // Failing to tell only costs the wait: the band is built at once, as without chunks.
    Promise.all([this.deferred.hasChunks(speciesId, dataVersion), cells]).then(
      ([has, c]) => (has && c) || gate.open(),
      () => gate.open(),
    );
    return gate;
  }
}

const DEFAULT_CANONICAL = canonicalFilters(DEFAULT_FILTERS);
const gateKey = (speciesId: number, dataVersion: number) => `${speciesId}:${dataVersion}`;
const EXACT_BAND = BANDS.findIndex((b) => b.cellBits === 0);

let shared: TileService | undefined;

/** The process's tile service; its cache holds TILE_CACHE_MB of indexes. */
export function tiles(): TileService {
  shared ??= new TileService(new IndexCache(config().TILE_CACHE_MB * 1024 * 1024));
  return shared;
}
