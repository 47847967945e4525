/**
 * One Server-Sent Events stream of a topic: first what the client missed (replayed from the hub
 * when its `Last-Event-ID` allows, else a snapshot read from the database), then every event as
 * it comes. A comment line every `heartbeatMs` keeps proxies from timing the connection out and
 * finds dead clients; a stream that had no event for `idleMs` is ended (the browser reconnects by
 * itself, with its Last-Event-ID, so nothing is missed and a forgotten tab holds nothing for long).
 */
import { HttpError } from "@/lib/http/respond";
import type { EventHub, Subscriber } from "./hub";
import type { EdgarEvent, Snapshot, Topic } from "./types";

export interface StreamOptions {
  hub: EventHub;
  topic: Topic;
  clientKey: string;
  lastEventId: string | null;
  /** Null: nothing to follow (404). */
  snapshot(): Promise<Snapshot | null>;
  idleMs: number;
  heartbeatMs: number;
  /** The request's signal: the client went away. */
  signal: AbortSignal;
}

/** How long the browser waits before reconnecting (the SSE `retry` field). */
export const RETRY_MS = 2_000;

const REFUSALS = {
  client_limit: () => new HttpError(429, "too_many_streams", "This client already holds as many live-update streams as it may; close another tab of Edgar first.", { "retry-after": "30" }),
  server_limit: () => new HttpError(503, "streams_full", "This server holds as many live-update streams as it can; the page checks for changes by itself meanwhile.", { "retry-after": "30" }),
  unavailable: () => new HttpError(503, "events_unavailable", "Live updates are not available just now; the page checks for changes by itself meanwhile.", { "retry-after": "10" }),
};

const encoder = new TextEncoder();

function message(name: string, data: unknown, cursor?: string): Uint8Array {
  return encoder.encode(`${cursor ? `id: ${cursor}\n` : ""}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Opens the stream, or throws the refusal (429 over the client's cap, 503 over the process's or
 * while the hub is not listening; 404 when the snapshot finds nothing to follow).
 */
export async function eventStream(o: StreamOptions): Promise<Response> {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const queued: Uint8Array[] = [];
  let caughtUp = false;
  const pending: { event: EdgarEvent; cursor: string }[] = [];
  let heartbeat: NodeJS.Timeout | undefined;
  let idle: NodeJS.Timeout | undefined;
  let finished = false;

  const subscriber: Subscriber = {
    deliver(event, cursor) {
      if (caughtUp) send(event, cursor);
      else pending.push({ event, cursor });
    },
    reset: () => finish(),
  };
  const opened = o.hub.open(o.topic, o.clientKey, subscriber);
  if (!opened.ok) throw REFUSALS[opened.reason]();

  function finish() {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    clearTimeout(idle);
    if (opened.ok) opened.close();
    o.signal.removeEventListener("abort", finish);
    try {
      controller?.close();
    } catch {
      // already closed, or errored by the client going away
    }
  }
  function write(chunk: Uint8Array) {
    if (finished) return;
    if (!controller) return void queued.push(chunk);
    try {
      controller.enqueue(chunk);
    } catch {
      finish();
    }
  }
  function armIdle() {
    clearTimeout(idle);
    idle = setTimeout(finish, o.idleMs);
  }
  function send(event: EdgarEvent, cursor: string) {
    write(message(event.type, event, cursor));
    armIdle();
  }

  o.signal.addEventListener("abort", finish);
  write(encoder.encode(`retry: ${RETRY_MS}\n\n`));
  // Subscribed first, then caught up: a change made meanwhile is in the snapshot, or queued, or both.
  const missed = o.lastEventId ? o.hub.since(o.topic, o.lastEventId) : null;
  if (missed) {
    for (const m of missed) send(m.event, m.cursor);
  } else {
    let snapshot: Snapshot | null;
    try {
      snapshot = await o.snapshot();
    } catch (err) {
      finish();
      throw err;
    }
    if (!snapshot) {
      finish();
      throw new HttpError(404, "not_found", "There is nothing of that name to follow.");
    }
    write(message("snapshot", snapshot, opened.cursor));
  }
  caughtUp = true;
  for (const p of pending.splice(0)) send(p.event, p.cursor);
  armIdle();

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const chunk of queued.splice(0)) c.enqueue(chunk);
      if (finished) return c.close();
      heartbeat = setInterval(() => write(encoder.encode(": ping\n\n")), o.heartbeatMs);
    },
    cancel: () => finish(),
  });

  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform: compression (Next.js's, a proxy's) would hold events back to fill a block.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
