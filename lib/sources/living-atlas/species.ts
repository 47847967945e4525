/**
 * Another atlas's species → Edgar's (docs/sources.md, "Species across sources"). Each species id
 * of the atlas (its species-id facet) is matched once: to the species with that guid when the
 * atlas uses the ALA's ids, else by its scientific name without authorship, else by an admin's
 * mapping of that name (SpeciesMatcher). Records follow their species id. Species that match none
 * are not read at all: their records are counted skipped (`unmatchedName`) and their names listed
 * in /admin until mapped. Records are asked for under `class:Aves` only, so no non-bird arrives.
 */
import type pg from "pg";
import type { SpeciesInfo } from "@/lib/ala/client";
import type { RecordSpecies } from "@/lib/sync/prepare";
import { nameKey } from "../names";
import { saveUnmatched, SpeciesMatcher } from "../species-match";

export class AtlasSpecies implements RecordSpecies {
  /** The atlas's species id → Edgar species id, or null: matches none. */
  private readonly ids = new Map<string, number | null>();

  private constructor(
    private readonly matcher: SpeciesMatcher,
    private readonly sourceId: number,
  ) {}

  static async load(db: pg.Pool, sourceId: number): Promise<AtlasSpecies> {
    return new AtlasSpecies(await SpeciesMatcher.load(db), sourceId);
  }

  get(guid: string): number | null | undefined {
    return this.ids.get(guid);
  }

  async resolve(guid: string, names: { scientificName: string | null }): Promise<number | null> {
    const known = this.ids.get(guid);
    if (known !== undefined) return known;
    const id = this.matcher.match([guid], names.scientificName);
    // A species id first seen without a name (a later list) stays unresolved, so its records' names still can match.
    if (id !== null || names.scientificName) this.ids.set(guid, id);
    return id;
  }

  /** The list's species matched (names as the list gives them), and those matching none with their records. */
  async split(list: readonly SpeciesInfo[]): Promise<{ matched: SpeciesInfo[]; unmatched: SpeciesInfo[]; unmatchedRecords: number }> {
    const matched: SpeciesInfo[] = [];
    const unmatched: SpeciesInfo[] = [];
    for (const s of list) ((await this.resolve(s.guid, s)) === null ? unmatched : matched).push(s);
    return { matched, unmatched, unmatchedRecords: unmatched.reduce((n, s) => n + s.count, 0) };
  }

  /** Replaces the source's list of unmatched names with these species' (records: their counts at the atlas). */
  async saveUnmatched(db: pg.Pool, unmatched: readonly SpeciesInfo[]): Promise<void> {
    const names = new Map<string, { name: string; records: number }>();
    for (const s of unmatched) {
      const shown = s.scientificName?.trim() || s.guid;
      const key = nameKey(shown) ?? shown.toLowerCase().slice(0, 300);
      const entry = names.get(key) ?? { name: shown.slice(0, 300), records: 0 };
      entry.records += s.count;
      names.set(key, entry);
    }
    await saveUnmatched(db, this.sourceId, names);
  }
}
