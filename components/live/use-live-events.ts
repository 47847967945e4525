"use client";

/**
 * Follows one topic of GET /api/events with the browser's EventSource, which reconnects by itself
 * with Last-Event-ID (the server replays what was missed, or sends a snapshot). While the stream
 * is down the topic is marked not live, so its queries poll as they did before live updates
 * (docs/events.md); a stream the server refused (429, 503, 403) is tried again later.
 */
import { useEffect, useRef } from "react";
import { edgarEventSchema, type EdgarEvent, type Topic } from "@/lib/events/types";
import { setLive } from "./live-status";

/** After a refusal (the browser gives up on a non-200 answer), try again this much later. */
const RETRY_REFUSED_MS = 30_000;
/** SSE events are named (lib/events/stream.ts: by the event's type) and only listed names are delivered. */
const NAMES = ["snapshot", ...edgarEventSchema.options.map((o) => o.shape.type.value)];

export type LiveMessage = { kind: "event"; event: EdgarEvent } | { kind: "snapshot"; data: unknown };

export function useLiveEvents(topic: Topic | null, onMessage: (message: LiveMessage) => void): void {
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  });

  useEffect(() => {
    if (topic === null || typeof EventSource === "undefined") return;
    const url = topic === "admin:sync" ? "/api/events?admin=sync" : `/api/events?species=${topic.slice("species:".length)}`;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let closed = false;

    const connect = () => {
      if (closed) return;
      const s = new EventSource(url);
      source = s;
      s.onopen = () => setLive(topic, true);
      s.onerror = () => {
        // Down (the page polls meanwhile); CONNECTING: the browser reconnects by itself.
        setLive(topic, false);
        if (s.readyState === EventSource.CLOSED) {
          s.close();
          retry = setTimeout(connect, RETRY_REFUSED_MS);
        }
      };
      for (const name of NAMES) {
        s.addEventListener(name, (e) => {
          let data: unknown;
          try {
            data = JSON.parse((e as MessageEvent<string>).data);
          } catch {
            return;
          }
          if (name === "snapshot") return handler.current({ kind: "snapshot", data });
          const parsed = edgarEventSchema.safeParse(data);
          if (parsed.success) handler.current({ kind: "event", event: parsed.data });
        });
      }
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
      setLive(topic, false);
    };
  }, [topic]);
}
