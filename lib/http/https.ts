/**
 * Whether the client reached Edgar over https: the first hop of X-Forwarded-Proto set by a
 * TLS-terminating proxy (Next.js sets it from the socket otherwise), else the URL's scheme.
 */
export function isHttps(headers: Headers, url?: string): boolean {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return url ? url.startsWith("https:") : false;
}
