/**
 * Sorted record orders, rebuilt after the world changes:
 * - by species, each species' records in uuid order: paging within a species with sort=id is a slice;
 * - by lastLoadDate: `lastLoadDate:[T TO *]` is a binary search and a slice. This is also the
 *   default ("score") order: like Solr's docid order it puts reindexed records last.
 * Records are generated in load order, so the second needs no sort except for the few records
 * whose lastLoadDate changed since; the first sorts 32-bit keys natively, per species.
 */

export interface Indexes {
  /** Live records grouped by species, uuid order within each. */
  bySpecies: Uint32Array;
  /** bySpecies.subarray(speciesStart[s], speciesStart[s + 1]) are species s's records. */
  speciesStart: Uint32Array;
  /** Live records by lastLoadDate (ties by record index). */
  byLoad: Uint32Array;
  /** loadRank[i] is record i's position in byLoad: sorting ranks natively sorts records by load. */
  loadRank: Uint32Array;
}

export interface IndexSource {
  count: number;
  isLive(i: number): boolean;
  /** Record's lastLoadDate changed after it was generated (it may be out of place in index order). */
  isMoved(i: number): boolean;
  /** uuid sort key and its inverse (a bijection on 32-bit integers). */
  keyOf(i: number): number;
  indexOf(key: number): number;
  speciesOf: Uint16Array;
  speciesCount: number;
  lastLoad: Float64Array;
}

export function buildIndexes(src: IndexSource): Indexes {
  const { count, speciesOf, speciesCount, lastLoad } = src;
  const speciesStart = new Uint32Array(speciesCount + 1);
  const moved: number[] = [];
  let n = 0;
  let runningMax = -Infinity;
  // Pass 1: count per species; collect records not in lastLoadDate order.
  for (let i = 0; i < count; i++) {
    if (!src.isLive(i)) continue;
    n++;
    speciesStart[speciesOf[i] + 1]++;
    if (src.isMoved(i) || lastLoad[i] < runningMax) moved.push(i);
    else runningMax = lastLoad[i];
  }
  for (let s = 0; s < speciesCount; s++) speciesStart[s + 1] += speciesStart[s];

  // Species lists: scatter uuid keys per species, sort each run natively, decode keys to indices.
  const bySpecies = new Uint32Array(n);
  const next = speciesStart.slice(0, speciesCount);
  for (let i = 0; i < count; i++) if (src.isLive(i)) bySpecies[next[speciesOf[i]]++] = src.keyOf(i);
  for (let s = 0; s < speciesCount; s++) bySpecies.subarray(speciesStart[s], speciesStart[s + 1]).sort();
  for (let j = 0; j < n; j++) bySpecies[j] = src.indexOf(bySpecies[j]);

  // Load order: the in-place records (already sorted) merged with the sorted moved ones.
  moved.sort((a, b) => lastLoad[a] - lastLoad[b] || a - b);
  const movedSet = new Set(moved);
  const byLoad = new Uint32Array(n);
  let m = 0;
  let j = 0;
  for (let i = 0; i < count; i++) {
    if (!src.isLive(i) || (moved.length && movedSet.has(i))) continue;
    while (m < moved.length && (lastLoad[moved[m]] < lastLoad[i] || (lastLoad[moved[m]] === lastLoad[i] && moved[m] < i))) byLoad[j++] = moved[m++];
    byLoad[j++] = i;
  }
  while (m < moved.length) byLoad[j++] = moved[m++];
  const loadRank = new Uint32Array(count);
  for (let r = 0; r < n; r++) loadRank[byLoad[r]] = r;
  return { bySpecies, speciesStart, byLoad, loadRank };
}

/** First position in `order` whose key is >= value (order sorted by key). */
export function lowerBound(order: Uint32Array, key: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(order[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
