import Supercluster from "supercluster";
import { describe, expect, it } from "vitest";
import { BANDS, CLUSTER_EXTENT, RADIUS, buildBand, collapseRecords, gridCells, recount } from "./build-worker.mjs";
import { TileBand } from "./packed-index";

function random(seed: number) {
  return () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
}

/** n records around a few centres, with some exact repeats; cat cycles through the 8 values. */
function records(n: number, repeats = 0.2, seed = 7) {
  const rnd = random(seed);
  const lon = new Float32Array(n);
  const lat = new Float32Array(n);
  const id = new Int32Array(n);
  const cat = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const repeat = i > 0 && rnd() < repeats;
    lon[i] = repeat ? lon[i - 1] : 115 + rnd() * 35 + (rnd() < 0.5 ? rnd() * 0.01 : 0);
    lat[i] = repeat ? lat[i - 1] : -40 + rnd() * 25;
    id[i] = i + 1;
    cat[i] = Math.floor(rnd() * 8);
  }
  return { lon, lat, id, cat };
}

describe("packed cluster index", () => {
  it("gives the same tiles as supercluster with map/reduce", () => {
    // Distinct positions only: supercluster weights cluster centres by point, we by record.
    const recs = records(3000, 0);
    const points = collapseRecords(recs);
    expect(points.id.length).toBe(3000);
    const spec = { minZoom: 0, maxZoom: 16 };
    const ours = new TileBand(buildBand(points, spec), BANDS.length - 1);
    const cat = new Map<number, number>();
    for (let i = 0; i < 3000; i++) cat.set(recs.id[i], recs.cat[i]);
    const reference = new Supercluster<{ cat: number }, { n: number[] }>({
      ...spec,
      radius: RADIUS,
      extent: CLUSTER_EXTENT,
      map: (p) => ({ n: [1, ...[1, 2, 3, 4].map((c) => Number((p.cat >> 1) + 1 === c)), p.cat & 1] }),
      reduce: (a, b) => {
        a.n = a.n.map((v, i) => v + b.n[i]);
      },
    });
    reference.load(
      Array.from({ length: 3000 }, (_, i) => ({
        type: "Feature" as const,
        properties: { cat: cat.get(points.id[i])! },
        geometry: { type: "Point" as const, coordinates: [points.lon[i], points.lat[i]] },
      })),
    );
    for (const [z, x, y] of [[0, 0, 0], [2, 3, 2], [4, 14, 9], [6, 58, 37], [9, 470, 300], [17, 120000, 76000]]) {
      const ref = (reference.getTile(z, x, y)?.features ?? []).map((f) => {
        const t = f.tags as Record<string, unknown> & { n?: number[] };
        const [gx, gy] = (f.geometry as number[][])[0];
        return t.cluster
          ? { g: [Math.round((gx * 4096) / CLUSTER_EXTENT), Math.round((gy * 4096) / CLUSTER_EXTENT)], counts: t.n }
          : { g: [Math.round((gx * 4096) / CLUSTER_EXTENT), Math.round((gy * 4096) / CLUSTER_EXTENT)], cat: t.cat };
      });
      const mine = ours.features(z, x, y).map(({ geometry: [[gx, gy]], tags: t }) =>
        t.cluster
          ? { g: [gx, gy], counts: [t.count, t.knownValid, t.assumedValid, t.assumedInvalid, t.knownInvalid, t.contentious] }
          : { g: [gx, gy], cat: cat.get(t.id as number) },
      );
      const key = (f: { g: number[] }) => f.g.join(",");
      const sort = <T extends { g: number[] }>(a: T[]) => a.sort((p, q) => key(p).localeCompare(key(q)));
      // Positions agree to a tile unit (supercluster rounds at its 512 extent, we at 4096).
      const close = (a: number[], b: number[]) => Math.abs(a[0] - b[0]) <= 8 && Math.abs(a[1] - b[1]) <= 8;
      const r = sort(ref);
      const m = sort(mine);
      expect(m.length, `tile ${z}/${x}/${y}`).toBe(r.length);
      for (let i = 0; i < r.length; i++) {
        expect(close(m[i].g, r[i].g), `tile ${z}/${x}/${y} feature ${i}`).toBe(true);
        expect({ ...m[i], g: 0 }).toEqual({ ...r[i], g: 0 });
      }
    }
  });

  it("merges identical positions into stacks and keeps single records' ids", () => {
    const recs = records(2000);
    const points = collapseRecords(recs);
    const band = new TileBand(buildBand(points, { minZoom: 5, maxZoom: 16 }), BANDS.length - 1);
    const deepest = band.features(22, 0, 0); // nothing there
    expect(deepest).toEqual([]);
    let total = 0;
    // Features in the buffer around the tile (here: across the antimeridian) belong to neighbours.
    const inside = band.features(0, 0, 0).filter(({ geometry: [[x, y]] }) => x >= 0 && x < 4096 && y >= 0 && y < 4096);
    for (const f of inside) total += f.tags.cluster ? (f.tags.count as number) : 1;
    expect(total).toBe(2000);
    const stacks = Array.from({ length: points.id.length }, (_, i) => i).filter((i) => points.counts[i * 6] > 1);
    expect(stacks.length).toBeGreaterThan(0);
    expect(band.expansionZoom(stacks[0])).toBeNull();
  });

  it("snaps records to a coarse grid without losing any, lone positions kept exactly", () => {
    const recs = records(5000);
    const cells = gridCells(recs, BANDS[0].cellBits);
    expect(cells.id.length).toBeLessThan(collapseRecords(recs).id.length);
    let total = 0;
    for (let i = 0; i < cells.id.length; i++) total += cells.counts[i * 6];
    expect(total).toBe(5000);

    // Two records at one spot and one far away: both cells keep their exact positions; a cell of
    // two nearby but different positions gets their mean, and the smallest id.
    const few = {
      lon: Float32Array.from([150, 150, 120, 140, 140.00001]),
      lat: Float32Array.from([-30, -30, -20, -25, -25]),
      id: Int32Array.from([5, 3, 9, 8, 7]),
      cat: Uint8Array.from([2, 3, 0, 0, 0]),
    };
    const grid = gridCells(few, BANDS[0].cellBits);
    const at = (lon: number) => Array.from(grid.lon).findIndex((v) => Math.abs(v - lon) < 1e-4);
    const stack = at(150);
    expect([grid.lon[stack], grid.lat[stack], grid.id[stack]]).toEqual([150, -30, 3]);
    expect(Array.from(grid.counts.subarray(stack * 6, stack * 6 + 6))).toEqual([2, 0, 2, 0, 0, 1]);
    expect([grid.lon[at(120)], grid.lat[at(120)]]).toEqual([120, -20]);
    const pair = at(140.000005);
    expect(grid.lon[pair]).not.toBe(140);
    expect(grid.lon[pair]).toBeCloseTo((140 + Math.fround(140.00001)) / 2, 9);
    expect(grid.id[pair]).toBe(7);
  });

  describe("recount (a vetting changed categories only)", () => {
    const exact = BANDS[BANDS.length - 1];
    const recs = records(6000);
    const band = buildBand(collapseRecords(recs), exact);
    const recategorised = () => {
      const rnd = random(11);
      return { ...recs, cat: recs.cat.map((c) => (rnd() < 0.3 ? Math.floor(rnd() * 8) : c)) };
    };

    it("gives the counts a fresh build of the same records gives, in any record order", () => {
      const next = recategorised();
      const fresh = buildBand(collapseRecords(next), exact);
      const counts = recount(band, next)!;
      expect(counts).not.toBeNull();
      expect(Array.from(counts.points)).toEqual(Array.from(fresh.points.counts));
      expect(Array.from(counts.clusters)).toEqual(Array.from(fresh.clusters.counts));
      expect(Array.from(counts.points)).not.toEqual(Array.from(band.points.counts));

      const order = Array.from(next.id, (_, i) => i).reverse();
      const reversed = {
        lon: Float32Array.from(order, (i) => next.lon[i]),
        lat: Float32Array.from(order, (i) => next.lat[i]),
        id: Int32Array.from(order, (i) => next.id[i]),
        cat: Uint8Array.from(order, (i) => next.cat[i]),
      };
      expect(Array.from(recount(band, reversed)!.clusters)).toEqual(Array.from(fresh.clusters.counts));
    });

    it("numbers every cluster before its parent, which the one-pass sum relies on", () => {
      const { cluster } = band.parents;
      expect(cluster.length).toBeGreaterThan(100);
      for (let c = 0; c < cluster.length; c++) if (cluster[c] >= 0) expect(cluster[c]).toBeGreaterThan(c);
      expect(band.parents.point.some((p) => p >= 0)).toBe(true);
    });

    it("refuses when a record moved, came, went or is another record", () => {
      const next = recategorised();
      const moved = { ...next, lon: next.lon.map((v, i) => (i === 17 ? v + 0.5 : v)) };
      const gone = { lon: next.lon.subarray(1), lat: next.lat.subarray(1), id: next.id.subarray(1), cat: next.cat.subarray(1) };
      const came = {
        lon: Float32Array.from([...next.lon, next.lon[0]]),
        lat: Float32Array.from([...next.lat, next.lat[0]]),
        id: Int32Array.from([...next.id, 99999]),
        cat: Uint8Array.from([...next.cat, 0]),
      };
      // Same positions and count, but a lone record's id changed: its tile feature names the record.
      const lone = Array.from(band.points.counts).findIndex((n, k) => k % 6 === 0 && n === 1) / 6;
      const swapped = { ...next, id: next.id.map((v) => (v === band.points.id[lone] ? 88888 : v)) };
      for (const changed of [moved, gone, came, swapped]) expect(recount(band, changed)).toBeNull();
    });
  });
});
