"use client";

/**
 * Which topics have a live event stream open just now, for the queries that would otherwise poll
 * (every observer of a query must agree, or the shortest interval wins).
 */
import { useSyncExternalStore } from "react";
import type { Topic } from "@/lib/events/types";

const live = new Set<Topic>();
const listeners = new Set<() => void>();

export function setLive(topic: Topic, on: boolean): void {
  if (live.has(topic) === on) return;
  if (on) live.add(topic);
  else live.delete(topic);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True while `topic`'s stream is open: its queries need not poll. */
export function useIsLive(topic: Topic | null): boolean {
  return useSyncExternalStore(
    subscribe,
    () => topic !== null && live.has(topic),
    () => false,
  );
}
