/**
 * Which records a run reads by search and which by offline download, and how downloads are
 * grouped. Search only reaches a query's first `pageDepthMax` records (the ALA's page depth), so
 * anything larger, and every full import, goes through downloads: many small species in one
 * request, a large one alone. A download the ALA finds too large is split (`splitUnit`).
 */
import type { AlaFields } from "@/lib/ala/fields";
import { fqRange, quoteValue } from "@/lib/ala/fields";

export interface SpeciesCount {
  guid: string;
  count: number;
}

/** One download: its species and the records the facets promised. */
export interface DownloadGroup {
  guids: string[];
  expected: number;
}

/** Species per request at most: keeps the filter query a size Solr parses quickly. */
export const MAX_SPECIES_PER_DOWNLOAD = 400;

/** Search for what fits within the page depth, unless the run is a bulk read; downloads for the rest. */
export function splitBySize(species: readonly SpeciesCount[], o: { pageDepthMax: number; bulk: boolean }): { search: SpeciesCount[]; download: SpeciesCount[] } {
  const search: SpeciesCount[] = [];
  const download: SpeciesCount[] = [];
  for (const s of species) (!o.bulk && s.count <= o.pageDepthMax ? search : download).push(s);
  return { search, download };
}

/** Largest first; each large species alone, small ones packed up to `target` records. */
export function groupForDownload(species: readonly SpeciesCount[], target: number): DownloadGroup[] {
  const groups: DownloadGroup[] = [];
  let open: DownloadGroup | null = null;
  for (const s of [...species].sort((a, b) => b.count - a.count || (a.guid < b.guid ? -1 : 1))) {
    if (s.count >= target) {
      groups.push({ guids: [s.guid], expected: s.count });
      continue;
    }
    if (!open || open.expected + s.count > target || open.guids.length >= MAX_SPECIES_PER_DOWNLOAD) {
      open = { guids: [], expected: 0 };
      groups.push(open);
    }
    open.guids.push(s.guid);
    open.expected += s.count;
  }
  return groups;
}

/** `speciesID:("a" OR "b")`. */
export function ofAnySpecies(fields: AlaFields, guids: readonly string[]): string {
  return `${fields.speciesId}:(${guids.map(quoteValue).join(" OR ")})`;
}

export interface Unit {
  guids: string[];
  fq: string[];
  yearFrom: number | null;
  yearTo: number | null;
  expected: number;
}

/** Years a single species' download is bisected over when the ALA finds it too large. */
const FIRST_YEAR = 1600;
const LAST_YEAR = 2200;

/** The year filter of a split part: a range, or the records without a year. */
export function yearFilter(unit: Pick<Unit, "yearFrom" | "yearTo">): string | null {
  if (unit.yearFrom === null && unit.yearTo === null) return null;
  if (unit.yearFrom === -1) return "-year:*";
  return fqRange("year", unit.yearFrom === FIRST_YEAR ? null : unit.yearFrom, unit.yearTo === LAST_YEAR ? null : unit.yearTo);
}

/**
 * Two or more parts of a download the ALA refused as too large: its species halved, or, for one
 * species, its years halved (the first split also sets apart the records without a year).
 * Null when a single year of a single species is still too large: nothing smaller to ask for.
 */
export function splitUnit(unit: Unit): Unit[] | null {
  const part = (over: Partial<Unit>): Unit => ({ ...unit, ...over });
  if (unit.guids.length > 1) {
    const half = Math.ceil(unit.guids.length / 2);
    return [
      part({ guids: unit.guids.slice(0, half), expected: Math.ceil(unit.expected / 2) }),
      part({ guids: unit.guids.slice(half), expected: Math.floor(unit.expected / 2) }),
    ];
  }
  if (unit.yearFrom === -1) return null;
  const from = unit.yearFrom ?? FIRST_YEAR;
  const to = unit.yearTo ?? LAST_YEAR;
  if (from >= to) return null;
  const mid = Math.floor((from + to) / 2);
  const third = unit.yearFrom === null ? [part({ yearFrom: -1, yearTo: -1, expected: 0 })] : [];
  return [part({ yearFrom: from, yearTo: mid, expected: Math.ceil(unit.expected / 2) }), part({ yearFrom: mid + 1, yearTo: to, expected: Math.floor(unit.expected / 2) }), ...third];
}
