/** The rows maxnet fits: the background completed with the presences, and merged for the fit. */

/** Background rows weigh 100, presences 1 (maxnet: weights <- p + (1 - p) * 100). */
export const BACKGROUND_WEIGHT = 100;

export type TrainingRows = {
  /** Every row, one column per variable: the presences, the background, then the presences added to it. */
  columns: Float64Array[];
  n: number;
  /**
   * The same rows with equal values merged into one: weights summed, the weighted share of
   * presences as response, and how many presences each stands for. The binomial likelihood is the
   * same term for term, and every presence is also a background row, so the fit has a third or
   * more fewer rows.
   */
  distinct: { columns: Float64Array[]; weights: Float64Array; y: Float64Array; presences: Float64Array; sumWeights: number };
};

export function trainingRows(presence: readonly ArrayLike<number>[], background: readonly ArrayLike<number>[], nv: number): TrainingRows {
  // addsamplestobackground: presences whose values are not already a background row join the background, once each.
  const key = (row: ArrayLike<number>) => Array.prototype.join.call(row, ",");
  const seen = new Set(background.map(key));
  const added: ArrayLike<number>[] = [];
  for (const row of presence) {
    const k = key(row);
    if (!seen.has(k)) {
      seen.add(k);
      added.push(row);
    }
  }
  const rows = [...presence, ...background, ...added];
  const n = rows.length;
  const np = presence.length;
  const columns = Array.from({ length: nv }, (_, v) => Float64Array.from(rows, (row) => row[v]));

  const index = new Map<string, number>();
  const first: number[] = [];
  const rowOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = key(rows[i]);
    let m = index.get(k);
    if (m === undefined) {
      m = first.length;
      index.set(k, m);
      first.push(i);
    }
    rowOf[i] = m;
  }
  const weights = new Float64Array(first.length);
  const presences = new Float64Array(first.length);
  let sumWeights = 0;
  for (let i = 0; i < n; i++) {
    const w = i < np ? 1 : BACKGROUND_WEIGHT;
    weights[rowOf[i]] += w;
    sumWeights += w;
    if (i < np) presences[rowOf[i]] += 1;
  }
  const y = Float64Array.from(presences, (p, m) => p / weights[m]);
  return {
    columns,
    n,
    distinct: { columns: columns.map((c) => Float64Array.from(first, (i) => c[i])), weights, y, presences, sumWeights },
  };
}
