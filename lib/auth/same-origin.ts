import { HttpError } from "@/lib/http/respond";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Refuses a request that a browser sent from another site (CSRF): Sec-Fetch-Site when the browser
 * sends it, else Origin compared with the host the request was addressed to. A request with
 * neither did not come from a browser page, so no cookie was sent on someone else's behalf.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site === "same-origin" || site === "none") return;
    throw crossSite(`a ${site} request`);
  }
  const origin = request.headers.get("origin");
  if (origin === null) return;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    throw crossSite(`Origin "${origin}"`);
  }
  const hosts = [new URL(request.url).host, request.headers.get("host"), request.headers.get("x-forwarded-host")?.split(",")[0]?.trim()];
  if (!hosts.some((h) => h && h.toLowerCase() === host)) throw crossSite(`Origin "${origin}"`);
}

function crossSite(what: string): HttpError {
  return new HttpError(403, "cross_site_request", `Refused ${what}: changes made with a session cookie must come from Edgar's own pages.`);
}
