"use client";

/**
 * The admin console's sync progress from the admin event stream: a progress event of the run on
 * screen is written into the cached overview as it comes; a run queued, ended or unknown makes
 * the overview be asked for again (its history and counts change). A source run's event makes the
 * Sources panel be asked for again.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { ADMIN_QUERY, type SyncOverviewView } from "@/components/admin/api";
import { useLiveEvents, type LiveMessage } from "./use-live-events";

export function applySyncMessage(queryClient: QueryClient, message: LiveMessage): void {
  const refetch = () => void queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.syncAll });
  const refetchSources = () => void queryClient.invalidateQueries({ queryKey: ADMIN_QUERY.sources });
  if (message.kind === "snapshot") {
    refetchSources();
    return refetch();
  }
  const e = message.event;
  // A source's run started, moved on (waiting for GBIF, importing) or ended: the Sources panel asks again.
  if (e.type === "source") return refetchSources();
  if (e.type !== "sync") return;
  let patched = false;
  queryClient.setQueriesData<SyncOverviewView>({ queryKey: ADMIN_QUERY.syncAll }, (overview) => {
    const current = overview?.current;
    if (!overview || !current || current.id !== e.runId || current.status !== e.status) return overview;
    patched = true;
    return {
      ...overview,
      current: {
        ...current,
        progress: { ...current.progress, phase: e.phase, done: e.done, total: e.total, message: e.message },
        counts: { ...current.counts, added: e.added, updated: e.updated, deleted: e.deleted, skipped: e.skipped },
      },
    };
  });
  if (!patched) refetch();
}

export function useLiveSync(): void {
  const queryClient = useQueryClient();
  const onMessage = useCallback((m: LiveMessage) => applySyncMessage(queryClient, m), [queryClient]);
  useLiveEvents("admin:sync", onMessage);
}
