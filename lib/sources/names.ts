/**
 * Scientific names → the key species are matched by: authorship, years, subgenus and rank markers
 * stripped, lower-case ("Acanthiza (Geobasileus) chrysorrhoa (Quoy & Gaimard, 1830)" →
 * "acanthiza chrysorrhoa"). Names are matched by the full key, then by its binomial, so a
 * subspecies joins its species.
 */
const RANK_MARKERS = new Set(["subsp.", "ssp.", "var.", "f.", "subvar.", "forma", "morph", "race"]);

export function nameKey(name: string): string | null {
  const tokens = name.normalize("NFC").trim().split(/\s+/).filter(Boolean);
  const genus = tokens.shift();
  if (!genus || !/^[A-Z×][a-zà-ÿ-]+$/u.test(genus)) return null;
  const kept = [genus.toLowerCase()];
  for (const [i, token] of tokens.entries()) {
    // A subgenus right after the genus: "(Geobasileus)".
    if (i === 0 && /^\([A-Z][a-z-]+\)$/.test(token)) continue;
    if (RANK_MARKERS.has(token.toLowerCase())) continue;
    // Authorship starts with a capital, a parenthesis, a digit or a connective: the name is over.
    if (!/^[a-zà-ÿ][a-zà-ÿ-]*$/u.test(token)) break;
    kept.push(token);
  }
  return kept.join(" ");
}

/** The genus and first epithet of a key, or null when the key is not below genus. */
export function binomialKey(key: string): string | null {
  const parts = key.split(" ");
  return parts.length > 2 ? parts.slice(0, 2).join(" ") : null;
}
