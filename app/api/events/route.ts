import { z } from "zod";
import { requireRole } from "@/lib/auth/current-user";
import { config } from "@/lib/config";
import { eventHub } from "@/lib/events";
import { speciesSnapshot, syncSnapshot } from "@/lib/events/snapshot";
import { eventStream } from "@/lib/events/stream";
import { clientIp } from "@/lib/http/client-ip";
import { handle, parseWith } from "@/lib/http/respond";
import { idParamSchema } from "@/lib/http/ids";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 25_000;

const querySchema = z.union([
  z.strictObject({ species: idParamSchema("species must be a species id") }),
  z.strictObject({ admin: z.literal("sync", { error: "admin must be `sync`" }) }),
], { error: "Ask for `?species=<id>` or `?admin=sync`." });

/**
 * GET /api/events?species={id} (anyone: that species' public events) or ?admin=sync (admins:
 * sync progress) — a Server-Sent Events stream (lib/events, docs/events.md).
 */
export const GET = handle(async (request: Request) => {
  const query = parseWith(querySchema, Object.fromEntries(new URL(request.url).searchParams), "invalid_query");
  const common = async () => {
    const hub = eventHub();
    await hub.start();
    return {
      hub,
      lastEventId: request.headers.get("last-event-id"),
      idleMs: config().EVENTS_IDLE_SECONDS * 1000,
      heartbeatMs: HEARTBEAT_MS,
      signal: request.signal,
    };
  };
  if ("admin" in query) {
    // Checked before anything is held for the caller.
    const user = await requireRole(request, ["admin"]);
    return eventStream({ ...(await common()), topic: "admin:sync", clientKey: `user:${user.id}`, snapshot: syncSnapshot });
  }
  // Public events need no account; the cap counts per address: the socket's, or the trusted
  // proxy's word for it (TRUST_PROXY, lib/http/client-ip.ts).
  const address = clientIp(request.headers) ?? "unknown";
  const species = query.species;
  return eventStream({ ...(await common()), topic: `species:${species}`, clientKey: `address:${address}`, snapshot: () => speciesSnapshot(species) });
});
