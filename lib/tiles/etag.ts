import { createHash } from "node:crypto";

/** Bump when the tile format or clustering changes, so cached tiles are not taken for new ones. */
const FORMAT = 1;

/** A strong ETag: the same species, data version, filters and tile address always give the same bytes. */
export function tileEtag(parts: { speciesId: number; dataVersion: number; filters: string; address: string }): string {
  const text = `${FORMAT}|${parts.speciesId}|${parts.dataVersion}|${parts.filters}|${parts.address}`;
  return `"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"`;
}

/** If-None-Match: a list of tags or `*`; compared weakly, as RFC 9110 asks for this header. */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
