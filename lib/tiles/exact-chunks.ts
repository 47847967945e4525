/**
 * The exact tile band (zooms 5–16) of a large species cut into per-region chunks, so a fresh web
 * process answers any deep tile from one small chunk instead of clustering a million records first
 * (12.9 s for the 1.2 M-record species). The worker builds the whole band, as the web does, and
 * cuts it: a chunk holds every item (point or cluster) of its zoom levels whose tree position lies
 * in its region or within a tile query's buffer of it, with the items' own ids, counts and
 * positions. A tile of that region queried on the chunk therefore finds exactly the items the whole
 * band's tree finds, and draws them the same (lib/tiles/exact-chunks.test.ts compares the bytes).
 *
 * Two groups of levels: 5–9 hold few items (clusters) and are one chunk for the world; 10–17
 * (17 serves every zoom above 16) hold nearly every distinct position, cut into zoom-8 regions.
 */
import KDBush from "kdbush";
import { BANDS, CLUSTER_EXTENT, COUNTS, RADIUS, type PackedBand, type PackedLevel, type PointColumns } from "./build-worker.mjs";
import { TileBand } from "./packed-index";

export interface ChunkGroup {
  /** Tree levels (a tile at zoom z reads level min(z, maxZoom + 1)). */
  minLevel: number;
  maxLevel: number;
  /** Regions are the tiles of this zoom. */
  regionZoom: number;
}

const EXACT = BANDS[BANDS.length - 1];
export const CHUNK_GROUPS: readonly ChunkGroup[] = [
  { minLevel: EXACT.minZoom, maxLevel: 9, regionZoom: 0 },
  { minLevel: 10, maxLevel: EXACT.maxZoom + 1, regionZoom: 8 },
];

/** Which chunk a tile of the exact band reads: its group and region. */
export function chunkOf(z: number, x: number, y: number): { group: number; rx: number; ry: number } {
  const level = Math.min(Math.max(z, EXACT.minZoom), EXACT.maxZoom + 1);
  const group = CHUNK_GROUPS.findIndex((g) => level >= g.minLevel && level <= g.maxLevel);
  if (group < 0 || z < EXACT.minZoom) throw new Error(`zoom ${z} is not in the exact band`);
  const shift = z - CHUNK_GROUPS[group].regionZoom;
  return { group, rx: x >> shift, ry: y >> shift };
}

/** What a chunk needs of its whole band to give the same cluster ids and expansion zooms. */
export interface BandMeta {
  minZoom: number;
  maxZoom: number;
  pointCount: number;
  /** Items per level of the whole band (index level - minZoom). */
  levelItems: number[];
}

export interface Chunk {
  group: number;
  rx: number;
  ry: number;
  bytes: Buffer;
}

/** Cuts an exact band into its chunks (regions with no item have none). */
export function sliceExactBand(band: PackedBand): Chunk[] {
  const meta: BandMeta = { minZoom: band.minZoom, maxZoom: band.maxZoom, pointCount: band.pointCount, levelItems: band.levels.map((l) => l.numItems) };
  const scratch = { point: new Int32Array(band.pointCount).fill(-1), cluster: new Int32Array(band.clusters.id.length).fill(-1) };
  const chunks: Chunk[] = [];
  CHUNK_GROUPS.forEach((g, group) => {
    const n = 2 ** g.regionZoom;
    // A tile at zoom z queries its own square plus RADIUS/EXTENT of a tile around it (and across
    // the antimeridian at the world's edge); the group's shallowest zoom has the widest margin.
    // Half as much again covers rounding: an item too many in a chunk is never drawn, one too few would be.
    const margin = (1.5 * RADIUS) / CLUSTER_EXTENT / 2 ** g.minLevel;
    const regions = new Map<number, number[][]>();
    for (let level = g.minLevel; level <= g.maxLevel; level++) {
      const coords = KDBush.from(band.levels[level - band.minZoom].tree).coords;
      const numItems = band.levels[level - band.minZoom].numItems;
      for (let s = 0; s < numItems; s++) {
        const x = coords[2 * s];
        const y = coords[2 * s + 1];
        const ry0 = Math.max(0, Math.floor((y - margin) * n));
        const ry1 = Math.min(n - 1, Math.floor((y + margin) * n));
        const rx0 = Math.floor((x - margin) * n);
        const rx1 = Math.min(Math.floor((x + margin) * n), rx0 + n - 1);
        for (let ry = ry0; ry <= ry1; ry++) {
          for (let r = rx0; r <= rx1; r++) {
            const key = ry * n + (((r % n) + n) % n);
            let lists = regions.get(key);
            if (!lists) regions.set(key, (lists = Array.from({ length: g.maxLevel - g.minLevel + 1 }, () => [])));
            const list = lists[level - g.minLevel];
            // Levels are walked in order, so a repeat (a one-region wrap) is always the last entry.
            if (list[list.length - 1] !== s) list.push(s);
          }
        }
      }
    }
    for (const [key, lists] of regions) {
      chunks.push({ group, rx: key % n, ry: Math.floor(key / n), bytes: encodeChunk(band, meta, g, lists, scratch) });
    }
  });
  return chunks;
}

interface ChunkHeader {
  band: BandMeta;
  minLevel: number;
  maxLevel: number;
  points: number;
  clusters: number;
  levels: number[];
  /** Byte length of each array, in the order encodeChunk writes them. */
  sizes: number[];
}

/** One chunk: its points and clusters, renumbered, and per level a KDBush tree, refs and global order. */
function encodeChunk(band: PackedBand, meta: BandMeta, g: ChunkGroup, lists: number[][], scratch: { point: Int32Array; cluster: Int32Array }): Buffer {
  const pointRows: number[] = [];
  const clusterRows: number[] = [];
  const local = (ref: number) => {
    if (ref >= 0) {
      if (scratch.point[ref] < 0) scratch.point[ref] = pointRows.push(ref) - 1;
      return scratch.point[ref];
    }
    const c = -ref - 1;
    if (scratch.cluster[c] < 0) scratch.cluster[c] = clusterRows.push(c) - 1;
    return -(scratch.cluster[c] + 1);
  };
  const levelArrays: ArrayBufferView[] = [];
  lists.forEach((items, i) => {
    const level = band.levels[g.minLevel + i - band.minZoom];
    const coords = KDBush.from(level.tree).coords;
    // supercluster's trees: node size 64, float32 coordinates; the same values give the same ranges.
    const tree = new KDBush(items.length, 64, Float32Array);
    for (const s of items) tree.add(coords[2 * s], coords[2 * s + 1]);
    tree.finish();
    const ref = new Int32Array(items.length);
    const order = new Int32Array(items.length);
    for (let pos = 0; pos < items.length; pos++) {
      const s = items[tree.ids[pos]];
      ref[pos] = local(level.ref[s]);
      order[pos] = s;
      tree.ids[pos] = pos;
    }
    levelArrays.push(new Uint8Array(tree.data), ref, order);
  });
  const pick = <T extends Float64Array | Int32Array | Uint32Array>(from: T, rows: number[], width = 1): T => {
    const out = new (from.constructor as new (n: number) => T)(rows.length * width);
    rows.forEach((r, i) => out.set(from.subarray(r * width, (r + 1) * width), i * width));
    return out;
  };
  const { points, clusters } = band;
  const arrays: ArrayBufferView[] = [
    pick(points.lon, pointRows), pick(points.lat, pointRows), pick(points.id, pointRows), pick(points.counts, pointRows, COUNTS), Int32Array.from(pointRows),
    pick(clusters.id, clusterRows), pick(clusters.x, clusterRows), pick(clusters.y, clusterRows), pick(clusters.counts, clusterRows, COUNTS),
    ...levelArrays,
  ];
  for (const r of pointRows) scratch.point[r] = -1;
  for (const c of clusterRows) scratch.cluster[c] = -1;
  const header: ChunkHeader = {
    band: meta,
    minLevel: g.minLevel,
    maxLevel: g.maxLevel,
    points: pointRows.length,
    clusters: clusterRows.length,
    levels: lists.map((l) => l.length),
    sizes: arrays.map((a) => a.byteLength),
  };
  return pack(header, arrays);
}

/** [u32 header length][header JSON][arrays, each starting on an 8-byte boundary]. */
function pack(header: ChunkHeader, arrays: ArrayBufferView[]): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const align = (n: number) => (n + 7) & ~7;
  let size = align(4 + json.length);
  for (const a of arrays) size += align(a.byteLength);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let at = align(4 + json.length);
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, at);
    at += align(a.byteLength);
  }
  return out;
}

/** A stored chunk → a band that answers its region's tiles. Throws on bytes that do not fit. */
export function decodeChunk(bytes: Buffer): ChunkBand {
  const length = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString("utf8", 4, 4 + length)) as ChunkHeader;
  const align = (n: number) => (n + 7) & ~7;
  let at = align(4 + length);
  const next = () => {
    const size = header.sizes.shift();
    if (size === undefined || at + size > bytes.length) throw new Error("tile chunk is truncated");
    // Copied: aligned, and independent of the row's buffer.
    const copy = new Uint8Array(bytes.subarray(at, at + size)).buffer;
    at += align(size);
    return copy;
  };
  const points: PointColumns = { lon: new Float64Array(next()), lat: new Float64Array(next()), id: new Int32Array(next()), counts: new Uint32Array(next()) };
  const pointIndex = new Int32Array(next());
  const clusters = { id: new Float64Array(next()), x: new Float64Array(next()), y: new Float64Array(next()), counts: new Uint32Array(next()) };
  const levels: PackedLevel[] = [];
  const orders: Int32Array[] = [];
  for (const numItems of header.levels) {
    levels.push({ numItems, tree: next(), ref: new Int32Array(next()) });
    orders.push(new Int32Array(next()));
  }
  const band: PackedBand = {
    minZoom: header.minLevel,
    maxZoom: header.maxLevel - 1,
    pointCount: header.points,
    points,
    clusters,
    parents: { point: new Int32Array(0), cluster: new Int32Array(0) },
    levels,
  };
  return new ChunkBand(band, header.band, pointIndex, orders);
}

/**
 * The tile side of a chunk: TileBand's query and drawing over the chunk's arrays, with the whole
 * band's point numbers (cluster ids of stacks), items per level (expansion zooms) and item order.
 */
export class ChunkBand extends TileBand {
  constructor(
    band: PackedBand,
    readonly whole: BandMeta,
    private readonly pointIndex: Int32Array,
    private readonly orders: Int32Array[],
  ) {
    super(band, BANDS.length - 1);
  }

  protected override sorted(level: number, ids: number[]): number[] {
    const order = this.orders[level];
    return ids.sort((a, b) => order[a] - order[b]);
  }

  protected override pointRaw(row: number): number {
    return this.pointIndex[row];
  }

  /** Only for the items this chunk draws: a stack never splits, a cluster at its origin zoom. */
  override expansionZoom(raw: number): number | null | undefined {
    const { pointCount, minZoom, maxZoom, levelItems } = this.whole;
    if (!Number.isSafeInteger(raw) || raw < 0) return undefined;
    if (raw < pointCount) return null;
    const originZoom = (raw - pointCount) % 32;
    const originIndex = (raw - pointCount) >> 5;
    if (originZoom <= minZoom || originZoom > maxZoom + 1) return undefined;
    if (originIndex >= levelItems[originZoom - minZoom]) return undefined;
    return originZoom;
  }
}
