/**
 * The process's event hub (one LISTEN connection per process, whatever the number of streams),
 * made on first use from lib/config. Kept on globalThis so that every bundle of the Next.js
 * server that imports this module shares it.
 */
import { config } from "@/lib/config";
import { EventHub } from "./hub";

const KEY = Symbol.for("edgar.eventHub");
type Holder = { [KEY]?: { url: string; hub: EventHub } };

export function eventHub(): EventHub {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Edgar with `npm start`, which provides the database");
  const holder = globalThis as Holder;
  const held = holder[KEY];
  if (held?.url === url) return held.hub;
  const c = config();
  const hub = new EventHub({ url, maxStreams: c.EVENTS_MAX_STREAMS, maxPerClient: c.EVENTS_MAX_PER_CLIENT });
  if (held) void held.hub.stop();
  holder[KEY] = { url, hub };
  return hub;
}
