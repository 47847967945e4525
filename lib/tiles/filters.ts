import { z } from "zod";
import { CLASSIFICATIONS, classificationCode, type Classification } from "@/lib/domain/codes";
import { parseWith } from "@/lib/http/respond";

/** Which records a tile shows. Records without a year are left out once a year bound is set. */
export interface TileFilters {
  yearFrom: number | null;
  yearTo: number | null;
  /** Classification codes, ascending. */
  classifications: number[];
  /** hide: leave out records the source marks as duplicates ('D') and those another source already holds. */
  duplicates: "hide" | "show";
  /** sources.id of the sources shown, ascending; null: every source. */
  sources: number[] | null;
}

const year = z.coerce.number().int().min(1000).max(9999);
const yearRange = z
  .string()
  .regex(/^\d{4}-\d{4}$/, "must be like 1990-2020")
  .transform((v) => v.split("-").map(Number) as [number, number]);

const querySchema = z
  .object({
    years: yearRange.optional(),
    yearFrom: year.optional(),
    yearTo: year.optional(),
    // An empty list is allowed: it selects nothing, so every tile is empty.
    classifications: z
      .string()
      .transform((v) => (v.trim() === "" ? [] : v.split(",").map((s) => s.trim())))
      .pipe(z.array(z.enum(CLASSIFICATIONS)))
      .optional(),
    duplicates: z.enum(["hide", "show"]).optional(),
    // Source ids (sources.id), comma-separated; an empty list selects nothing, as for classifications.
    sources: z
      .string()
      .transform((v) => (v.trim() === "" ? [] : v.split(",").map((s) => s.trim())))
      .pipe(z.array(z.string().regex(/^\d{1,5}$/, "must be source ids").transform(Number).pipe(z.number().int().min(1).max(32767))))
      .optional(),
  })
  .refine((q) => !(q.years && (q.yearFrom !== undefined || q.yearTo !== undefined)), {
    message: "give either years or yearFrom/yearTo, not both",
  })
  .transform((q): TileFilters => {
    const [yearFrom, yearTo] = q.years ?? [q.yearFrom ?? null, q.yearTo ?? null];
    const names: readonly Classification[] = q.classifications ?? CLASSIFICATIONS;
    return {
      yearFrom,
      yearTo,
      classifications: [...new Set(names.map((n) => classificationCode[n]))].sort((a, b) => a - b),
      duplicates: q.duplicates ?? "hide",
      sources: q.sources ? [...new Set(q.sources)].sort((a, b) => a - b) : null,
    };
  })
  .refine((f) => f.yearFrom === null || f.yearTo === null || f.yearFrom <= f.yearTo, {
    message: "the first year must not be after the last",
  });

export const DEFAULT_FILTERS: TileFilters = querySchema.parse({});

/** Filters from a query string; unknown parameters (a cache-busting `v`, say) are ignored. 400 on bad values. */
export function parseFilters(params: URLSearchParams): TileFilters {
  const keys = ["years", "yearFrom", "yearTo", "classifications", "duplicates", "sources"] as const;
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  return parseWith(querySchema, raw, "invalid_filters");
}

/** One string per distinct record set, for cache keys and ETags. */
export function canonicalFilters(f: TileFilters): string {
  const base = `y=${f.yearFrom ?? ""}-${f.yearTo ?? ""};c=${f.classifications.join(",")};d=${f.duplicates}`;
  // Unchanged when every source is shown, so cached tiles and ETags from before sources stay valid.
  return f.sources === null ? base : `${base};s=${f.sources.join(",")}`;
}
