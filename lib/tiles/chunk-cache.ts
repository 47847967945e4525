import { LRUCache } from "lru-cache";
import { log } from "@/lib/log";
import type { ChunkBand } from "./exact-chunks";
import { chunkOf } from "./exact-chunks";
import type { TileFeature } from "./packed-index";

/** What a tile is read from: a whole band, or one chunk of it. */
export interface FeatureSource {
  features(z: number, x: number, y: number): TileFeature[];
}

const NOTHING_THERE: FeatureSource = { features: () => [] };

export type LoadChunk = (speciesId: number, dataVersion: number, z: number, x: number, y: number) => Promise<ChunkBand | "empty" | null>;

/**
 * The web's decoded exact-band chunks (lib/tiles/exact-chunks-store.ts), least recently used
 * evicted first, bounded by their bytes. They serve only until the species' own index is built, so
 * they need little room. One read per chunk: concurrent tiles of one region share it. A failed
 * read is forgotten and answered as "no chunk": the caller then waits for the index, as without chunks.
 */
export class ChunkCache {
  /** Chunk reads started, for tests. */
  reads = 0;
  private readonly lru: LRUCache<string, FeatureSource>;
  private readonly reading = new Map<string, Promise<FeatureSource | null>>();

  constructor(
    maxBytes: number,
    private readonly load: LoadChunk,
  ) {
    this.lru = new LRUCache({ maxSize: Math.max(1, Math.floor(maxBytes)) });
  }

  /** The chunk answering tile z/x/y of this exact data version, or null when there is none. */
  get(speciesId: number, dataVersion: number, z: number, x: number, y: number): Promise<FeatureSource | null> {
    const { group, rx, ry } = chunkOf(z, x, y);
    const key = `${speciesId}:${dataVersion}:${group}:${rx}:${ry}`;
    const known = this.lru.get(key);
    if (known) return Promise.resolve(known);
    let pending = this.reading.get(key);
    if (pending) return pending;
    this.reads++;
    pending = this.load(speciesId, dataVersion, z, x, y).then(
      (chunk) => {
        this.reading.delete(key);
        if (chunk === null) return null;
        const source = chunk === "empty" ? NOTHING_THERE : chunk;
        this.lru.set(key, source, { size: chunk === "empty" ? 1 : Math.max(1, chunk.bytes) });
        return source;
      },
      (err: unknown) => {
        this.reading.delete(key);
        log.warn({ err, speciesId, dataVersion, group, rx, ry }, "tile chunk could not be read; waiting for the species' index");
        return null;
      },
    );
    this.reading.set(key, pending);
    return pending;
  }
}
