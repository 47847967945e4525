/**
 * What the species panel shows under the current filters, from one grouped query: records per
 * year by category (the chart), per-category counts (the legend) and the number of matching
 * records (what the map draws and a download holds).
 */
import { pool } from "@/lib/db/pool";
import { CLASSIFICATIONS, classificationKey, type Classification } from "@/lib/domain/codes";
import { filterCondition, type RecordFilters } from "@/lib/occurrences/filters";

export type CategoryCounts = Record<(typeof classificationKey)[Classification], number>;

export interface SpeciesSummary {
  speciesId: number;
  dataVersion: number;
  /**
   * Per year with records, by category, under the category and duplicate filters but over every
   * year (so the chart shows the year range in context), oldest first.
   */
  years: ({ year: number } & CategoryCounts)[];
  /** Per category under the year and duplicate filters, whether or not the category is shown. */
  categories: CategoryCounts;
  /** Records under every filter: `count` is what a download holds, `mapped` those with coordinates (as tiles count them). */
  matching: { count: number; contentious: number; mapped: number };
}

const zero = (): CategoryCounts => ({ knownValid: 0, assumedValid: 0, assumedInvalid: 0, knownInvalid: 0 });

/** null when there is no such species. */
export async function speciesSummary(speciesId: number, filters: RecordFilters): Promise<SpeciesSummary | null> {
  const { rows: species } = await pool().query<{ data_version: number }>("SELECT data_version FROM species WHERE id = $1", [speciesId]);
  if (!species[0]) return null;
  // Every category and year is read (the legend and the chart need them); the rest is filtered here.
  const condition = filterCondition(speciesId, { ...filters, yearFrom: null, yearTo: null, classifications: [1, 2, 3, 4] });
  const { rows } = await pool().query<{ year: number | null; classification: number; contentious: boolean; mapped: boolean; n: number }>(
    `SELECT o.year, o.classification, o.contentious, coalesce(o.lat BETWEEN -90 AND 90 AND o.lon BETWEEN -180 AND 180, false) AS mapped, count(*)::int AS n
       FROM classified_occurrences o WHERE ${condition.sql}
      GROUP BY 1, 2, 3, 4`,
    condition.params,
  );
  const shown = new Set(filters.classifications);
  const inYears = (year: number | null) =>
    (filters.yearFrom === null && filters.yearTo === null) ||
    (year !== null && (filters.yearFrom === null || year >= filters.yearFrom) && (filters.yearTo === null || year <= filters.yearTo));
  const byYear = new Map<number, CategoryCounts>();
  const categories = zero();
  const matching = { count: 0, contentious: 0, mapped: 0 };
  for (const r of rows) {
    const key = classificationKey[CLASSIFICATIONS[r.classification - 1]];
    if (shown.has(r.classification) && r.year !== null) {
      if (!byYear.has(r.year)) byYear.set(r.year, zero());
      byYear.get(r.year)![key] += r.n;
    }
    if (!inYears(r.year)) continue;
    categories[key] += r.n;
    if (!shown.has(r.classification)) continue;
    matching.count += r.n;
    if (r.contentious) matching.contentious += r.n;
    if (r.mapped) matching.mapped += r.n;
  }
  return {
    speciesId,
    dataVersion: species[0].data_version,
    years: [...byYear].sort(([a], [b]) => a - b).map(([year, counts]) => ({ year, ...counts })),
    categories,
    matching,
  };
}
