import { isIP } from "node:net";

/**
 * The client's address: X-Forwarded-For when it holds a single address (Next.js sets it from the
 * socket; a proxy in front must set, not append, it: docs/accounts.md). Otherwise unknown (null).
 */
export function clientIp(headers: Headers): string | null {
  const value = headers.get("x-forwarded-for")?.trim();
  return value && isIP(value) ? value : null;
}
