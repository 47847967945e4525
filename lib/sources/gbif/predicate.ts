/**
 * The predicate of a GBIF source's download (GBIF's JSON predicates, gbif-api
 * `org.gbif.api.model.predicate`; https://techdocs.gbif.org/en/data-use/api-downloads#predicates):
 * birds (TAXON_KEY 212, class Aves in GBIF's backbone) AND the source's own predicate, if any;
 * an incremental run adds LAST_INTERPRETED ≥ the day before the last import started. GBIF's
 * date predicates take days (yyyy-MM-dd); the day of overlap only re-reads records the upsert
 * finds unchanged.
 */
export const AVES_TAXON_KEY = "212";

export type GbifPredicate = { type: "and"; predicates: Record<string, unknown>[] };

export function gbifPredicate(extra: Record<string, unknown> | undefined, since: Date | null): GbifPredicate {
  const predicates: Record<string, unknown>[] = [{ type: "equals", key: "TAXON_KEY", value: AVES_TAXON_KEY }];
  if (extra) predicates.push(extra);
  if (since) predicates.push({ type: "greaterThanOrEquals", key: "LAST_INTERPRETED", value: new Date(since.getTime() - 86_400_000).toISOString().slice(0, 10) });
  return { type: "and", predicates };
}
