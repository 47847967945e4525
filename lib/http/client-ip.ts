import { isIP } from "node:net";

/**
 * The client's address: X-Forwarded-For, which the web process sets to the socket's address
 * (lib/http/peer-address-hook.mjs) unless TRUST_PROXY says a proxy in front sets it. A proxy that
 * appends rather than sets leaves a list: its own entry, the last, is the address it saw (the
 * ones before are whatever the client sent). Otherwise unknown (null).
 */
export function clientIp(headers: Headers): string | null {
  const last = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return last && isIP(last) ? last : null;
}
