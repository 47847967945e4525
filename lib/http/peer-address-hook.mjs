/**
 * Installed in the web process by scripts/web-peer-address.mjs (`node --import`, scripts/runtime.ts
 * `startWeb`) unless TRUST_PROXY is on: every request's `X-Forwarded-For` becomes the address of the socket it came
 * in on, whatever the client wrote there. Next.js only fills that header when it is absent
 * (base-server.js: `req.headers['x-forwarded-for'] ??= socket.remoteAddress`), so without this a
 * client talking to Edgar directly chooses its own address for every per-client limit (sign-in,
 * password reset, live-update streams). Plain JavaScript with no imports of Edgar's code: it runs
 * before Next.js, outside tsx.
 *
 * It listens on Node's `http.server.request.start` diagnostics channel (documented in Node's
 * diagnostics_channel "Built-in Channels"), published for each request before the server's
 * `request` event, so Next.js never sees the client's value.
 */
import diagnostics from "node:diagnostics_channel";

const HEADER = "x-forwarded-for";

/** Replaces the request's X-Forwarded-For, parsed and raw, with its socket's address. */
export function useSocketAddress({ request, socket }) {
  const address = socket?.remoteAddress ?? request.socket?.remoteAddress ?? "";
  // Parsed first: Node builds `headers` lazily from rawHeaders and its count, which must not change.
  const headers = request.headers;
  if (address) headers[HEADER] = address;
  else delete headers[HEADER];
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === HEADER) raw[i + 1] = address;
}

/** Subscribes once per process; returns how to stop (for tests). */
export function installPeerAddressHook() {
  diagnostics.subscribe("http.server.request.start", useSocketAddress);
  return () => diagnostics.unsubscribe("http.server.request.start", useSocketAddress);
}
