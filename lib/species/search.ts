/**
 * Species search for the autocomplete: every word the user typed must begin a word of the
 * scientific or common name ("wren" finds "Superb Fairy-wren", "mal cy" finds "Malurus cyaneus"),
 * case-insensitive, or every word must occur inside the common name ("wren" finds "Superb
 * Fairywren"). Word prefixes are served by the GIN index species_name_words (a 'simple'
 * text-search vector: lower-cased words, hyphenated words also split into their parts); the
 * compound-word test reads the species table, a few thousand rows at most.
 */
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { textParam } from "@/lib/http/text";

export const speciesSearchQuery = z.object({
  q: textParam().max(200, "must be at most 200 characters").default(""),
  limit: z.coerce.number().int("must be a whole number").min(1).max(50).default(10),
});
export type SpeciesSearchQuery = z.infer<typeof speciesSearchQuery>;

export interface SpeciesMatch {
  id: number;
  guid: string;
  scientificName: string;
  commonName: string | null;
  occurrenceCount: number;
}

/** The indexed expression; queries must repeat it exactly for the index to be used. */
export const NAME_WORDS_SQL = "to_tsvector('simple'::regconfig, scientific_name || ' ' || coalesce(common_name, ''))";

/** Words of the query (letters and digits), at most eight. */
export function queryWords(q: string): string[] {
  return q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
}

/** `word:*` for each word, all required. The words hold only letters and digits, so quoting is safe. */
export function prefixQuery(words: readonly string[]): string {
  return words.map((w) => `'${w}':*`).join(" & ");
}

/** The shortest word looked for inside compound common names. */
const MIN_COMPOUND_PART = 3;

/**
 * Active species matching the query, best first: an exact name; then names holding every typed
 * word as a whole word ("Australian Magpie" for "magpie"); then names beginning with the query
 * ("Magpie-lark"); then the rest (later word prefixes, hyphenated parts, and words inside a
 * compound common name, from three letters: "wren" finds "Superb Fairywren"). Most-recorded first within each, as
 * that is usually the species meant. An empty query lists the most-recorded species.
 */
export async function searchSpecies({ q, limit }: SpeciesSearchQuery): Promise<SpeciesMatch[]> {
  const words = queryWords(q);
  const whole = q.trim().toLowerCase();
  // Words hold only letters and digits, so they are safe inside LIKE and regular-expression patterns.
  // Inside a compound only from three letters on: "b" is inside too many names to mean anything.
  const inside = words.length && words.every((w) => w.length >= MIN_COMPOUND_PART) ? words.map((w) => `%${w}%`) : null;
  const wholeWord = words.map((w) => `(^|\\s)${w}(\\s|$)`);
  const { rows } = await pool().query<SpeciesMatch>(
    `SELECT id, guid, scientific_name AS "scientificName", common_name AS "commonName", occurrence_count AS "occurrenceCount"
       FROM species
      WHERE status = 'active'
        AND ($1::text IS NULL OR ${NAME_WORDS_SQL} @@ to_tsquery('simple', $1) OR lower(common_name) LIKE ALL ($4::text[]))
      ORDER BY CASE
                 WHEN lower(scientific_name) = $2 OR lower(common_name) = $2 THEN 0
                 WHEN cardinality($5::text[]) > 0 AND (lower(scientific_name) ~ ALL ($5::text[]) OR lower(common_name) ~ ALL ($5::text[])) THEN 1
                 WHEN starts_with(lower(scientific_name), $2) OR starts_with(lower(common_name), $2) THEN 2
                 ELSE 3
               END,
               occurrence_count DESC, scientific_name
      LIMIT $3`,
    [words.length ? prefixQuery(words) : null, whole, limit, inside, wholeWord],
  );
  return rows;
}
