/**
 * One LISTEN connection (a pg.Client of its own: a pooled connection would be handed to other
 * queries). When it is lost it says so (`onLost`: notifications may have been missed meanwhile)
 * and connects again with a growing delay until it is stopped.
 */
import pg from "pg";
import { log } from "@/lib/log";

export interface ListenerOptions {
  url: string;
  channel: string;
  onMessage(payload: string): void;
  /** The connection broke: anything sent until it is back was missed. */
  onLost?(): void;
  /** Listening (again). */
  onReady?(): void;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

export interface Listener {
  /** Resolves once the first LISTEN is in place (or the listener stopped first). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function listen(options: ListenerOptions): Listener {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
  let stopped = false;
  let client: pg.Client | undefined;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const lost = (c: pg.Client, err?: unknown) => {
    if (client !== c) return; // already handled (error then end)
    client = undefined;
    void c.end().catch(() => {});
    if (stopped) return;
    log.warn({ err, channel: options.channel, retryMs }, "lost the database notification connection; reconnecting");
    options.onLost?.();
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  const connect = async () => {
    timer = undefined;
    if (stopped) return;
    const c = new pg.Client({ connectionString: options.url, application_name: "edgar-events", keepAlive: true });
    client = c;
    c.on("notification", (n) => {
      if (n.channel === options.channel && n.payload !== undefined) options.onMessage(n.payload);
    });
    c.on("error", (err) => lost(c, err));
    c.on("end", () => lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${options.channel}`);
    } catch (err) {
      lost(c, err);
      return;
    }
    if (stopped || client !== c) return;
    retryMs = RETRY_MIN_MS;
    options.onReady?.();
    markReady();
  };
  void connect();

  return {
    ready,
    async stop() {
      stopped = true;
      markReady();
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
