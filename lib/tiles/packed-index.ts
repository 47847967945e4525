import KDBush from "kdbush";
import { CLASSIFICATIONS } from "@/lib/domain/codes";
import { BANDS, CLUSTER_EXTENT, COUNTS, RADIUS, bandBuffers, latY, lngX, type PackedBand } from "./build-worker.mjs";

/** Coordinates of the encoded tiles (the MVT default). */
export const TILE_EXTENT = 4096;

export type TileProperties = Record<string, string | number | boolean>;
/** A point feature in tile coordinates, as vt-pbf's geojson-vt wrapper takes it. */
export interface TileFeature {
  type: 1;
  geometry: [[number, number]];
  tags: TileProperties;
}

/**
 * The query side of one band of a species' cluster index, over the typed arrays the build
 * produced. It mirrors supercluster 8's getTile (same trees, same buffer around the tile), so
 * tiles match what supercluster itself would give (lib/tiles/packed-index.test.ts checks this).
 */
export class TileBand {
  readonly bytes: number;
  private readonly trees: KDBush[];

  constructor(
    readonly band: PackedBand,
    readonly bandIndex: number,
  ) {
    const byBuffer = new Map<ArrayBuffer, KDBush>();
    this.trees = band.levels.map((level) => {
      let tree = byBuffer.get(level.tree);
      if (!tree) byBuffer.set(level.tree, (tree = KDBush.from(level.tree)));
      return tree;
    });
    this.bytes = bandBuffers(band).reduce((sum, b) => sum + b.byteLength, 0);
  }

  features(z: number, x: number, y: number): TileFeature[] {
    const { minZoom, maxZoom } = this.band;
    const level = Math.max(minZoom, Math.min(z, maxZoom + 1)) - minZoom;
    const tree = this.trees[level];
    const ref = this.band.levels[level].ref;
    const z2 = 2 ** z;
    const p = RADIUS / CLUSTER_EXTENT;
    const top = (y - p) / z2;
    const bottom = (y + 1 + p) / z2;
    const out: TileFeature[] = [];
    const add = (ids: number[], tx: number) => {
      for (const s of this.sorted(level, ids)) out.push(this.feature(ref[s], z2, tx, y));
    };
    add(tree.range((x - p) / z2, top, (x + 1 + p) / z2, bottom), x);
    // Points near the antimeridian also show in the tile across it, as in supercluster.
    if (x === 0) add(tree.range(1 - p / z2, top, 1, bottom), z2);
    if (x === z2 - 1) add(tree.range(0, top, p / z2, bottom), -1);
    return out;
  }

  /**
   * The items a query found, in the whole band's tree order: the kd-tree's own order depends on
   * which items it holds, and a chunk of the band (lib/tiles/exact-chunks.ts) holds fewer.
   */
  protected sorted(_level: number, ids: number[]): number[] {
    return ids.sort((a, b) => a - b);
  }

  /** A point row's number in the whole band (what its cluster id is made of). */
  protected pointRaw(row: number): number {
    return row;
  }

  /** The tile-wide cluster id of a point of this band (a stack) or of a supercluster cluster id. */
  private globalId(raw: number): number {
    return raw * BANDS.length + this.bandIndex;
  }

  /**
   * The zoom at which a cluster of this band splits, or null for a stack of records at one
   * position (it never splits: the UI lists its records instead). Undefined: no such cluster.
   */
  expansionZoom(raw: number): number | null | undefined {
    const { pointCount, minZoom, maxZoom, levels } = this.band;
    if (!Number.isSafeInteger(raw) || raw < 0) return undefined;
    if (raw < pointCount) {
      const isStack = this.band.points.counts[raw * COUNTS] > 1;
      if (!isStack) return undefined;
      // A coarse band's stack is a grid cell: it splits in the next band.
      return this.bandIndex === BANDS.length - 1 ? null : maxZoom + 1;
    }
    // supercluster ids: (origin index << 5) + origin zoom + number of points; it splits at its origin zoom.
    const originZoom = (raw - pointCount) % 32;
    const originIndex = (raw - pointCount) >> 5;
    if (originZoom <= minZoom || originZoom > maxZoom + 1) return undefined;
    if (originIndex >= levels[originZoom - minZoom].numItems) return undefined;
    return originZoom;
  }

  private feature(ref: number, z2: number, tx: number, ty: number): TileFeature {
    const { points, clusters } = this.band;
    const isCluster = ref < 0;
    const row = isCluster ? -ref - 1 : ref;
    const counts = isCluster ? clusters.counts : points.counts;
    const at = row * COUNTS;
    const px = isCluster ? clusters.x[row] : lngX(points.lon[row]);
    const py = isCluster ? clusters.y[row] : latY(points.lat[row]);
    const geometry: [[number, number]] = [[Math.round(TILE_EXTENT * (px * z2 - tx)), Math.round(TILE_EXTENT * (py * z2 - ty))]];
    if (!isCluster && counts[at] === 1) {
      let code = 1;
      while (counts[at + code] === 0) code++;
      const tags = { cluster: false, id: points.id[row], classification: CLASSIFICATIONS[code - 1], contentious: counts[at + 5] === 1 };
      return { type: 1, geometry, tags };
    }
    // A point holding several records (one position, or one coarse cell) is drawn as a cluster too.
    const raw = isCluster ? clusters.id[row] : this.pointRaw(row);
    const tags: TileProperties = {
      cluster: true,
      count: counts[at],
      knownValid: counts[at + 1],
      assumedValid: counts[at + 2],
      assumedInvalid: counts[at + 3],
      knownInvalid: counts[at + 4],
      contentious: counts[at + 5],
      clusterId: this.globalId(raw),
    };
    const expansionZoom = this.expansionZoom(raw);
    if (typeof expansionZoom === "number") tags.expansionZoom = expansionZoom;
    return { type: 1, geometry, tags };
  }
}

/** Which band serves tiles at zoom z, and which band a tile-wide cluster id belongs to. */
export function bandForZoom(z: number): number {
  const i = BANDS.findIndex((b) => z <= b.maxZoom);
  return i < 0 ? BANDS.length - 1 : i;
}

export function splitClusterId(clusterId: number): { band: number; raw: number } {
  return { band: clusterId % BANDS.length, raw: Math.floor(clusterId / BANDS.length) };
}
