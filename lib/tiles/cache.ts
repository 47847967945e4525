import { LRUCache } from "lru-cache";
import { log } from "@/lib/log";
import type { PackedBand } from "./build-worker.mjs";
import { TileBand } from "./packed-index";

/** A species' cluster index for one data version and filter set: one promise per zoom band. */
export interface TileIndex {
  bands: Promise<TileBand>[];
  /** Each band once built, so a request can tell a band it need not wait for. */
  ready: (TileBand | undefined)[];
  /** Resolves with the index's size in bytes once every band is built. */
  done: Promise<number>;
}

/** Starts a build; `previous` is the species' newest older index for the same filters, if cached. */
export type StartBuild = (previous: TileIndex | undefined) => Promise<PackedBand>[];

export interface IndexKey {
  speciesId: number;
  dataVersion: number;
  /** canonicalFilters() */
  filters: string;
}

const keyString = (k: IndexKey) => `${k.speciesId}:${k.dataVersion}:${k.filters}`;

/**
 * Whole indexes, least recently used evicted first, bounded by their typed arrays' bytes.
 * An index being built is shared by every request for its key (one build per key) and enters the
 * LRU only when complete; a failed build is forgotten so the next request tries again.
 */
export class IndexCache {
  /** Builds started, for tests and logs. */
  builds = 0;
  private readonly lru: LRUCache<string, TileIndex>;
  private readonly building = new Map<string, TileIndex>();
  private readonly newestVersion = new Map<number, number>();

  constructor(readonly maxBytes: number) {
    this.lru = new LRUCache({ maxSize: maxBytes });
  }

  get(indexKey: IndexKey, start: StartBuild): TileIndex {
    const key = keyString(indexKey);
    const known = this.lru.get(key) ?? this.building.get(key);
    if (known) return known;
    const previous = this.previous(indexKey);
    if (indexKey.dataVersion > (this.newestVersion.get(indexKey.speciesId) ?? 0)) {
      this.newestVersion.set(indexKey.speciesId, indexKey.dataVersion);
      this.dropOlderVersions(indexKey);
    }
    this.builds++;
    const ready: TileIndex["ready"] = [];
    const bands = start(previous).map((p, i) => p.then((band) => (ready[i] = new TileBand(band, i))));
    const index: TileIndex = {
      bands,
      ready,
      done: Promise.all(bands).then((b) => b.reduce((sum, band) => sum + band.bytes, 0)),
    };
    this.building.set(key, index);
    index.done.then(
      (bytes) => {
        this.building.delete(key);
        // Finished after its species' data changed again: nobody will ask for it.
        if (indexKey.dataVersion < this.newestVersion.get(indexKey.speciesId)!) return;
        if (bytes > this.maxBytes) log.warn({ key, bytes, maxBytes: this.maxBytes }, "tile index larger than TILE_CACHE_MB; not cached");
        // Size 0 is refused by lru-cache; an empty index still costs its bookkeeping.
        this.lru.set(key, index, { size: Math.max(bytes, 1) });
      },
      (err) => {
        this.building.delete(key);
        log.error({ err, key }, "tile index build failed");
      },
    );
    // Requests awaiting a band see the failure; these handlers only keep it from being "unhandled".
    for (const band of bands) band.catch(() => {});
    return index;
  }

  private previous({ speciesId, dataVersion, filters }: IndexKey): TileIndex | undefined {
    let newest: { version: number; index: TileIndex } | undefined;
    for (const [key, index] of this.lru.entries()) {
      const [species, version] = key.split(":", 2).map(Number);
      if (species !== speciesId || version >= dataVersion || key !== keyString({ speciesId, dataVersion: version, filters })) continue;
      if (!newest || version > newest.version) newest = { version, index };
    }
    return newest?.index;
  }

  /** Once a species' data changed, its older indexes will not be asked for again: free them now. */
  private dropOlderVersions({ speciesId, dataVersion }: IndexKey): void {
    for (const key of [...this.lru.keys()]) {
      const [species, version] = key.split(":").map(Number);
      if (species === speciesId && version < dataVersion) this.lru.delete(key);
    }
  }

  get size(): { entries: number; bytes: number; building: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize, building: this.building.size };
  }
}
