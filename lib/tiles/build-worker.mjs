// Builds a species' cluster index. Plain JavaScript importing only node_modules packages, so a
// worker_thread can run this file as it is under tsx, vitest and `next start` alike (Next bundles
// route code, but this file is started from the source tree). The same functions run in-process
// in tests. Everything returned is typed arrays, so it crosses back to the main thread by transfer.
import { parentPort, workerData } from "node:worker_threads";
import Supercluster from "supercluster";

/** Cluster radius in pixels of a 512-pixel tile (supercluster's own units). */
export const RADIUS = 60;
export const CLUSTER_EXTENT = 512;
/**
 * Zoom bands, each its own supercluster index. The coarse band is built from records snapped to a
 * 4-pixel grid at its deepest zoom (far below the 60-pixel radius), so a million records become a
 * few ten thousand weighted points and the first, low-zoom tiles are ready long before the exact
 * band, whose build is proportional to distinct positions times zoom levels.
 */
export const BANDS = [
  { minZoom: 0, maxZoom: 4, cellBits: 11 },
  { minZoom: 5, maxZoom: 16, cellBits: 0 },
];
/** Per point and per cluster: total, known valid, assumed valid, assumed invalid, known invalid, contentious. */
export const COUNTS = 6;

// supercluster 8's internal layout (stride 6 without reduce); pinned by the equivalence test.
const STRIDE = 6;
const OFFSET_ID = 3;
const OFFSET_PARENT = 4;
const OFFSET_NUM = 5;

export function lngX(lng) {
  return lng / 360 + 0.5;
}
export function latY(lat) {
  const sin = Math.sin((lat * Math.PI) / 180);
  const y = 0.5 - (0.25 * Math.log((1 + sin) / (1 - sin))) / Math.PI;
  return y < 0 ? 0 : y > 1 ? 1 : y;
}
function xLng(x) {
  return (x - 0.5) * 360;
}
function yLat(y) {
  return (360 * Math.atan(Math.exp(((180 - y * 360) * Math.PI) / 180))) / Math.PI - 90;
}

/** Groups rows by a pair of uint32 keys with an open-addressing table: no per-row objects. */
function groupBy(n, ka, kb) {
  let size = 2;
  while (size < n * 2) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const ga = new Uint32Array(n);
  const gb = new Uint32Array(n);
  const groupOf = new Int32Array(n);
  let groups = 0;
  for (let i = 0; i < n; i++) {
    const a = ka[i];
    const b = kb[i];
    let h = Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1);
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const g = slots[h];
      if (g === -1) {
        slots[h] = groups;
        ga[groups] = a;
        gb[groups] = b;
        groupOf[i] = groups++;
        break;
      }
      if (ga[g] === a && gb[g] === b) {
        groupOf[i] = g;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return { groupOf, groups };
}

/**
 * Records → weighted points: one per distinct public position, carrying per-category counts and
 * the smallest record id (the record itself when the point holds one record).
 * `cat` is (classification code - 1) * 2 + contentious.
 */
export function collapseRecords(records) {
  const { lon, lat } = records;
  const n = lon.length;
  const { groupOf, groups } = groupBy(n, float32Bits(lon), float32Bits(lat));
  const points = { lon: new Float64Array(groups), lat: new Float64Array(groups), ...tally(records, groupOf, groups) };
  for (let i = 0; i < n; i++) {
    points.lon[groupOf[i]] = lon[i];
    points.lat[groupOf[i]] = lat[i];
  }
  return points;
}

function float32Bits(values) {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Per-point counts and smallest record id of records whose point is groupOf[offset + record]. */
function tally({ id, cat }, groupOf, groups, offset = 0) {
  const ids = new Int32Array(groups).fill(0x7fffffff);
  const counts = new Uint32Array(groups * COUNTS);
  for (let i = 0; i < id.length; i++) {
    const g = groupOf[offset + i];
    if (id[i] < ids[g]) ids[g] = id[i];
    const c = g * COUNTS;
    counts[c]++;
    counts[c + 1 + (cat[i] >> 1)]++;
    counts[c + 5] += cat[i] & 1;
  }
  return { id: ids, counts };
}

/**
 * New counts for an exact band whose records are the same as those it was built from, at the same
 * positions, with only their categories changed (what a vetting does); null when any record
 * moved, came or went. The band's clusters then stay exactly as they are, so the counts are
 * summed up its saved parent links in one pass instead of clustering again: for a million
 * records a fraction of a second instead of several seconds.
 */
export function recount(previous, records) {
  const { points, parents } = previous;
  const P = points.id.length;
  const n = records.lon.length;
  // The band's points first: being distinct they are groups 0..P-1, so a record of a later group
  // is at a position the band does not have.
  const keys = (a, b) => {
    const out = new Uint32Array(P + n);
    out.set(float32Bits(Float32Array.from(a)));
    out.set(float32Bits(b), P);
    return out;
  };
  const { groupOf, groups } = groupBy(P + n, keys(points.lon, records.lon), keys(points.lat, records.lat));
  if (groups !== P) return null;
  const next = tally(records, groupOf, P, P);
  for (let g = 0; g < P; g++) {
    if (next.counts[g * COUNTS] !== points.counts[g * COUNTS] || next.id[g] !== points.id[g]) return null;
  }
  const clusters = new Uint32Array(parents.cluster.length * COUNTS);
  const addTo = (p, from, at) => {
    for (let j = 0; j < COUNTS; j++) clusters[p * COUNTS + j] += from[at * COUNTS + j];
  };
  for (let i = 0; i < P; i++) if (parents.point[i] >= 0) addTo(parents.point[i], next.counts, i);
  // A cluster's row is smaller than its parent's (buildBand numbers them deepest first), so each
  // is complete before it is added.
  for (let c = 0; c < parents.cluster.length; c++) if (parents.cluster[c] >= 0) addTo(parents.cluster[c], clusters, c);
  return { points: next.counts, clusters };
}

/**
 * Records → one weighted point per grid cell (2^-cellBits of the world), at the cell's records'
 * mean position; a cell whose records share one position keeps it exactly (a lone record is
 * drawn where it is). Straight from the records, in one pass, so the coarse band does not wait
 * for collapseRecords: it is what the first, low-zoom tiles of a cold species need.
 */
export function gridCells({ lon, lat, id, cat }, cellBits) {
  const n = lon.length;
  const scale = 2 ** cellBits;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const ka = new Uint32Array(n);
  const kb = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = lngX(lon[i]);
    y[i] = latY(lat[i]);
    ka[i] = Math.min(scale - 1, Math.floor(x[i] * scale));
    kb[i] = Math.min(scale - 1, Math.floor(y[i] * scale));
  }
  const { groupOf, groups } = groupBy(n, ka, kb);
  const wx = new Float64Array(groups);
  const wy = new Float64Array(groups);
  const mixed = new Uint8Array(groups);
  const cells = {
    lon: new Float64Array(groups),
    lat: new Float64Array(groups),
    id: new Int32Array(groups).fill(0x7fffffff),
    counts: new Uint32Array(groups * COUNTS),
  };
  for (let i = 0; i < n; i++) {
    const g = groupOf[i];
    const c = g * COUNTS;
    if (cells.counts[c] === 0) {
      cells.lon[g] = lon[i];
      cells.lat[g] = lat[i];
    } else if (cells.lon[g] !== lon[i] || cells.lat[g] !== lat[i]) {
      mixed[g] = 1;
    }
    wx[g] += x[i];
    wy[g] += y[i];
    if (id[i] < cells.id[g]) cells.id[g] = id[i];
    cells.counts[c]++;
    cells.counts[c + 1 + (cat[i] >> 1)]++;
    cells.counts[c + 5] += cat[i] & 1;
  }
  for (let g = 0; g < groups; g++) {
    if (!mixed[g]) continue;
    const total = cells.counts[g * COUNTS];
    cells.lon[g] = xLng(wx[g] / total);
    cells.lat[g] = yLat(wy[g] / total);
  }
  return cells;
}

/**
 * Clusters weighted points with supercluster and packs the result into typed arrays:
 * - per zoom level (minZoom..maxZoom+1) the KDBush buffer, its ids rewritten to be the sorted
 *   positions, and `ref` in the same order: ≥ 0 a point index, < 0 -(cluster row + 1);
 *   a level where nothing clustered shares the level above's arrays;
 * - per cluster its supercluster id, record-weighted centre (mercator 0..1) and summed counts.
 * Counts and centres are summed up the parent links after the build instead of by supercluster's
 * map/reduce: that allocates an object per cluster and made a million-point build 60% slower.
 */
export function buildBand(points, { minZoom, maxZoom }) {
  const P = points.id.length;
  const features = new Array(P);
  for (let i = 0; i < P; i++) features[i] = { geometry: { coordinates: [points.lon[i], points.lat[i]] } };
  const sc = new Supercluster({ minZoom, maxZoom, radius: RADIUS, extent: CLUSTER_EXTENT });
  sc.load(features);

  const clusterRow = new Map();
  const pointParent = new Int32Array(P).fill(-1);
  const clusterParent = [];
  const cid = [];
  const wx = [];
  const wy = [];
  const counts = [];
  const rowOf = (id) => {
    let row = clusterRow.get(id);
    if (row === undefined) {
      row = cid.length;
      clusterRow.set(id, row);
      cid.push(id);
      clusterParent.push(-1);
      wx.push(0);
      wy.push(0);
      for (let k = 0; k < COUNTS; k++) counts.push(0);
    }
    return row;
  };
  // Children live one level above the level their cluster was made at, so walking down the levels
  // completes every cluster before it is itself added to its parent.
  for (let z = maxZoom + 1; z > minZoom; z--) {
    const data = sc.trees[z].data;
    for (let k = 0; k < data.length; k += STRIDE) {
      const parent = data[k + OFFSET_PARENT];
      if (parent === -1) continue;
      const p = rowOf(parent);
      let total, x, y;
      if (data[k + OFFSET_NUM] > 1) {
        const c = clusterRow.get(data[k + OFFSET_ID]);
        clusterParent[c] = p;
        total = counts[c * COUNTS];
        x = wx[c] / total;
        y = wy[c] / total;
        for (let j = 0; j < COUNTS; j++) counts[p * COUNTS + j] += counts[c * COUNTS + j];
      } else {
        const i = data[k + OFFSET_ID];
        pointParent[i] = p;
        total = points.counts[i * COUNTS];
        x = lngX(points.lon[i]);
        y = latY(points.lat[i]);
        for (let j = 0; j < COUNTS; j++) counts[p * COUNTS + j] += points.counts[i * COUNTS + j];
      }
      wx[p] += x * total;
      wy[p] += y * total;
    }
  }
  const clusters = {
    id: Float64Array.from(cid),
    x: new Float64Array(cid.length),
    y: new Float64Array(cid.length),
    counts: Uint32Array.from(counts),
  };
  for (let c = 0; c < cid.length; c++) {
    clusters.x[c] = wx[c] / counts[c * COUNTS];
    clusters.y[c] = wy[c] / counts[c * COUNTS];
  }

  const levels = new Array(maxZoom + 2 - minZoom);
  for (let z = maxZoom + 1; z >= minZoom; z--) {
    const tree = sc.trees[z];
    const above = levels[z + 1 - minZoom];
    if (above && tree.numItems === above.numItems) {
      levels[z - minZoom] = above;
      continue;
    }
    const data = tree.data;
    const ref = new Int32Array(tree.numItems);
    for (let s = 0; s < tree.numItems; s++) {
      const k = tree.ids[s] * STRIDE;
      ref[s] = data[k + OFFSET_NUM] > 1 ? -(clusterRow.get(data[k + OFFSET_ID]) + 1) : data[k + OFFSET_ID];
      tree.ids[s] = s;
    }
    levels[z - minZoom] = { numItems: tree.numItems, tree: tree.ids.buffer, ref };
  }
  const parents = { point: pointParent, cluster: Int32Array.from(clusterParent) };
  return { minZoom, maxZoom, pointCount: P, points, clusters, parents, levels };
}

/** Every distinct buffer of a band (shared levels once), for a transfer list or a size estimate. */
export function bandBuffers(band) {
  const set = new Set([
    band.points.lon.buffer, band.points.lat.buffer, band.points.id.buffer, band.points.counts.buffer,
    band.clusters.id.buffer, band.clusters.x.buffer, band.clusters.y.buffer, band.clusters.counts.buffer,
    band.parents.point.buffer, band.parents.cluster.buffer,
  ]);
  for (const level of band.levels) {
    set.add(level.tree);
    set.add(level.ref.buffer);
  }
  return [...set];
}

/**
 * Builds the bands from `from` on, coarse first, handing each over as soon as it is done. With the
 * exact band of the species' previous index, that band is recounted when only categories changed
 * (onBand gets its new counts) and built afresh otherwise.
 */
export function buildBands(records, onBand, from = 0, previous = null) {
  let points = null;
  BANDS.forEach((spec, i) => {
    if (i < from) return;
    const counts = previous && !spec.cellBits ? recount(previous, records) : null;
    if (counts) return onBand(i, { counts });
    const input = spec.cellBits ? gridCells(records, spec.cellBits) : (points ??= collapseRecords(records));
    onBand(i, { band: buildBand(input, spec) });
  });
}

// One build per thread. Prebuilt coarse cells (lib/tiles/coarse-cells.ts), when there are any,
// come first and give the coarse band at once; the records come last and give the rest. With
// its listener gone, the thread ends once every band is sent.
if (workerData?.role === "edgar-tile-build" && parentPort) {
  const port = parentPort;
  const send = (index, { band, counts }) =>
    port.postMessage({ index, band, counts }, band ? bandBuffers(band) : [counts.points.buffer, counts.clusters.buffer]);
  let built = 0;
  const onMessage = (message) => {
    if (message.cells) {
      send(0, { band: buildBand(message.cells, BANDS[0]) });
      built = 1;
      return;
    }
    port.off("message", onMessage);
    buildBands(message.records, send, built, message.previous);
  };
  port.on("message", onMessage);
}
