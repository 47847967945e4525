/**
 * The record filters of tiles, downloads and summaries: one query-string grammar (lib/tiles'
 * parseFilters) and one SQL condition, so a download holds exactly what the map and the panel count.
 */
import { z } from "zod";
import { CLASSIFICATIONS, DUPLICATE_STATUS } from "@/lib/domain/codes";
import { HttpError } from "@/lib/http/respond";
import { parseFilters, type TileFilters } from "@/lib/tiles/filters";

export type RecordFilters = TileFilters;

const DUPLICATE = DUPLICATE_STATUS.indexOf("D");

/**
 * Filters from a query string. Besides the tiles' names (`years` or `yearFrom`/`yearTo`,
 * `classifications`, `duplicates`) the contract's download spelling `classification=` is accepted.
 */
export function parseRecordFilters(params: URLSearchParams): RecordFilters {
  const singular = params.getAll("classification");
  if (singular.length === 0) return parseFilters(params);
  if (params.has("classifications")) {
    throw new HttpError(400, "invalid_filters", "Give either classification or classifications, not both.");
  }
  const merged = new URLSearchParams(params);
  merged.delete("classification");
  merged.set("classifications", singular.join(","));
  return parseFilters(merged);
}

/**
 * The condition selecting a species' records under the filters, on alias `o` of
 * classified_occurrences, with bind parameters numbered from `first`. Records without coordinates
 * are included (downloads keep them). With every category shown there is no classification test:
 * the planner cannot estimate one on the view's computed column and, on a million records,
 * gave up parallel aggregation for it (the species summary took twice as long).
 */
export function filterCondition(speciesId: number, f: RecordFilters, first = 1): { sql: string; params: unknown[] } {
  const params: unknown[] = [speciesId];
  const where = [`o.species_id = $${first}`];
  if (f.classifications.length < CLASSIFICATIONS.length) {
    params.push(f.classifications);
    where.push(`o.classification = ANY($${first + params.length - 1}::int2[])`);
  }
  if (f.yearFrom !== null) {
    params.push(f.yearFrom);
    where.push(`o.year >= $${first + params.length - 1}`);
  }
  if (f.yearTo !== null) {
    params.push(f.yearTo);
    where.push(`o.year <= $${first + params.length - 1}`);
  }
  if (f.duplicates === "hide") where.push(`o.duplicate_status <> ${DUPLICATE}`, "o.duplicate_of IS NULL");
  if (f.sources !== null) {
    params.push(f.sources);
    where.push(`o.source = ANY($${first + params.length - 1}::int2[])`);
  }
  return { sql: where.join(" AND "), params };
}

/** An occurrence id from a path segment; 400 unless a positive whole number. */
export function parseOccurrenceId(value: string): number {
  const result = z.string().regex(/^\d{1,9}$/).transform(Number).pipe(z.number().int().min(1)).safeParse(value);
  if (!result.success) throw new HttpError(400, "invalid_occurrence", `"${value}" is not an occurrence id.`);
  return result.data;
}
