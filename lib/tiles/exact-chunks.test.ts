import { describe, expect, it } from "vitest";
import { BANDS, buildBand, collapseRecords, type RecordColumns } from "./build-worker.mjs";
import { encodeTile } from "./encode";
import { CHUNK_GROUPS, chunkOf, decodeChunk, sliceExactBand, type ChunkBand } from "./exact-chunks";
import { splitClusterId, TileBand } from "./packed-index";
import { tileOf } from "./test-helpers";

function random(seed: number) {
  return () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
}

/**
 * Records where chunks are hard to get right: dense spots (stacks and deep clusters), positions
 * on zoom-8 region edges and straddling the antimeridian, and a thin spread over a continent.
 */
function records(n: number): RecordColumns {
  const rnd = random(3);
  const edge = (k: number) => -180 + (k * 360) / 256; // a zoom-8 region boundary
  const lon = new Float32Array(n);
  const lat = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    const jitter = () => (rnd() - 0.5) * 0.02;
    if (kind === 0) [lon[i], lat[i]] = [151.2 + jitter(), -33.86 + jitter()];
    else if (kind === 1) [lon[i], lat[i]] = [rnd() < 0.5 ? 179.995 + rnd() * 0.005 : -180 + rnd() * 0.005, -17 + jitter()];
    else if (kind === 2) [lon[i], lat[i]] = [edge(236) + jitter() / 10, -30 + jitter()];
    else if (kind === 3 && i > 0) [lon[i], lat[i]] = [lon[i - 3], lat[i - 3]]; // stacks
    else [lon[i], lat[i]] = [115 + rnd() * 35, -40 + rnd() * 25];
  }
  return { lon, lat, id: Int32Array.from({ length: n }, (_, i) => i + 1), cat: Uint8Array.from({ length: n }, () => Math.floor(rnd() * 8)) };
}

const exact = BANDS[BANDS.length - 1];
const recs = records(12000);
const band = buildBand(collapseRecords(recs), exact);
const whole = new TileBand(band, BANDS.length - 1);
const chunks = new Map(sliceExactBand(band).map((c) => [`${c.group}/${c.rx}/${c.ry}`, c]));

const decoded = new Map<string, ChunkBand | null>();
function chunkBand(z: number, x: number, y: number): ChunkBand | null {
  const { group, rx, ry } = chunkOf(z, x, y);
  const key = `${group}/${rx}/${ry}`;
  if (!decoded.has(key)) decoded.set(key, chunks.has(key) ? decodeChunk(chunks.get(key)!.bytes) : null);
  return decoded.get(key)!;
}

/** Every tile holding a record (and its eight neighbours) at zoom z, plus both edges of the world. */
function tilesAt(z: number): [number, number, number][] {
  const out = new Set<string>();
  const last = 2 ** z - 1;
  for (let i = 0; i < recs.lon.length; i += 7) {
    const t = tileOf(recs.lon[i], recs.lat[i], z);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) out.add(`${(t.x + dx + last + 1) % (last + 1)}/${Math.min(last, Math.max(0, t.y + dy))}`);
  }
  return [...out].map((k) => [z, ...(k.split("/").map(Number) as [number, number])]);
}

describe("exact band chunks", () => {
  it("give byte for byte the tiles of the whole band, at every zoom of the band and deeper", () => {
    let compared = 0;
    let nonEmpty = 0;
    for (let z = exact.minZoom; z <= 19; z++) {
      for (const [, x, y] of tilesAt(z)) {
        const expected = whole.features(z, x, y);
        const chunk = chunkBand(z, x, y);
        const got = chunk ? chunk.features(z, x, y) : [];
        if (expected.length > 0) nonEmpty++;
        expect(got.length, `tile ${z}/${x}/${y}`).toBe(expected.length);
        if (expected.length > 0) expect(Buffer.from(encodeTile(got)).equals(Buffer.from(encodeTile(expected))), `tile ${z}/${x}/${y}`).toBe(true);
        compared++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(500);
    expect(compared).toBeGreaterThan(nonEmpty);
  });

  it("draw the antimeridian's neighbours across it, as the whole band does", () => {
    const z = 12;
    const y = tileOf(180, -17, z).y;
    for (const x of [0, 2 ** z - 1]) {
      const expected = whole.features(z, x, y);
      // Both sides hold records; each edge tile also repeats the other side's in its buffer.
      expect(expected.some((f) => f.geometry[0][0] < 0 || f.geometry[0][0] >= 4096)).toBe(true);
      expect(Buffer.from(encodeTile(chunkBand(z, x, y)!.features(z, x, y))).equals(Buffer.from(encodeTile(expected)))).toBe(true);
    }
  });

  it("keep cluster ids and expansion zooms of the whole band", () => {
    const z = 11;
    const { x, y } = tileOf(151.2, -33.86, z);
    const features = chunkBand(z, x, y)!.features(z, x, y);
    const clusters = features.filter((f) => f.tags.cluster);
    expect(clusters.length).toBeGreaterThan(0);
    for (const f of clusters) expect(f.tags.expansionZoom ?? null).toBe(whole.expansionZoom(splitClusterId(f.tags.clusterId as number).raw) ?? null);
  });

  it("cover every level: one chunk for the shallow group, many for the deep one", () => {
    const groups = [...chunks.values()].map((c) => c.group);
    expect(groups.filter((g) => g === 0)).toHaveLength(1);
    expect(groups.filter((g) => g === 1).length).toBeGreaterThan(3);
    expect(CHUNK_GROUPS[0].minLevel).toBe(exact.minZoom);
    expect(CHUNK_GROUPS[CHUNK_GROUPS.length - 1].maxLevel).toBe(exact.maxZoom + 1);
    expect(() => chunkOf(4, 0, 0)).toThrow(/not in the exact band/);
  });

  it("refuse bytes that were cut short", () => {
    const bytes = [...chunks.values()][0].bytes;
    expect(() => decodeChunk(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated/);
  });
});
