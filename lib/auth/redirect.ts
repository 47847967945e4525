/**
 * Where to send someone after signing in: a path on this site only. Anything else (another host,
 * `//host`, `/\host`, a scheme, control characters) would make /login an open redirect.
 */
export function safeNextPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  try {
    const url = new URL(value, "http://edgar.invalid");
    if (url.origin !== "http://edgar.invalid") return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}
