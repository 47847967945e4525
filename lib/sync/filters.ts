/** The filter queries the sync sends, built from lib/ala/fields so a deployment can switch field style. */
import type { AlaFields } from "@/lib/ala/fields";
import { fqEquals, fqRange, quoteValue } from "@/lib/ala/fields";
import { BASIS_OF_RECORD, RELEVANT_BASIS_OF_RECORD } from "@/lib/domain/codes";

/** Clock skew between Edgar and the ALA: changes are fetched from this long before the last import. */
export const SINCE_OVERLAP_MS = 10 * 60_000;

const camel = (v: string) => v.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/**
 * Excludes records Edgar skips for their basis of record (specimens, fossils, samples...), in
 * both spellings, so remote counts compare with local ones. Records without a basis stay in,
 * as Edgar keeps them.
 */
export function relevantOnly(fields: AlaFields): string {
  const irrelevant = BASIS_OF_RECORD.filter((b) => b !== "UNKNOWN" && !RELEVANT_BASIS_OF_RECORD.has(b));
  return `-${fields.basisOfRecord}:(${irrelevant.flatMap((b) => [b, camel(b)]).join(" OR ")})`;
}

export function ofSpecies(fields: AlaFields, guid: string): string {
  return fqEquals(fields.speciesId, guid);
}

/** Records (re)loaded since `since` minus the overlap. */
export function changedSince(fields: AlaFields, since: Date): string {
  return fqRange(fields.lastLoadDate, new Date(since.getTime() - SINCE_OVERLAP_MS), null);
}

/** Records with any of these ids. */
export function withIds(fields: AlaFields, ids: readonly string[]): string {
  return `${fields.id}:(${ids.map(quoteValue).join(" OR ")})`;
}
