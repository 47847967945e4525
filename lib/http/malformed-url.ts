/**
 * Requests whose address cannot be read: a percent-escape that is no escape (`%ZZ`, a lone `%`)
 * or escapes that decode to no UTF-8 text (`%FF`, the overlong `%C0%AF`, a lone surrogate
 * `%ED%A0%80`). Next.js fails on such paths while matching routes (a 500), and URLSearchParams
 * quietly turns such queries into U+FFFD; the request proxy refuses both, once, with a 400.
 */
import { HttpError } from "./respond";

export type UrlPart = "path" | "query";

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** The first part of `url` (absolute, as received) that does not decode, or null when all do. */
export function undecodableUrlPart(url: string): UrlPart | null {
  const { pathname, search } = new URL(url);
  if (!decodes(pathname)) return "path";
  if (!decodes(search.slice(1))) return "query";
  return null;
}

/** The contract's refusal for such an address: `400 invalid_url`, naming the part. */
export function malformedUrlError(part: UrlPart): HttpError {
  return new HttpError(
    400,
    "invalid_url",
    `The address's ${part} is not valid: it holds a percent-escape that is incomplete or does not decode to UTF-8 text (such as %FF or %C0%AF).`,
  );
}
