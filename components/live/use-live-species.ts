"use client";

/**
 * Keeps an open species' queries fresh from its event stream: a vetting, the end of a
 * re-classification or a new data version makes the species be asked for again (its answer moves
 * the tiles' version and the outlines' vettingsVersion); a rebuilt range makes the range, and a
 * model's new status or version the model, be asked for again. Nothing is asked while nothing changes.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { modelQueryKey } from "@/components/model/api";
import type { SpeciesDetail } from "@/lib/species/detail";
import { useLiveEvents, type LiveMessage } from "./use-live-events";

export const speciesKey = (id: number) => ["species", id] as const;
export const distributionKey = (id: number) => ["distribution", id] as const;

/** What one message asks of the cache (exported for its test). */
export function applySpeciesMessage(queryClient: QueryClient, speciesId: number, message: LiveMessage): void {
  const cached = queryClient.getQueryData<SpeciesDetail>(speciesKey(speciesId));
  if (message.kind === "snapshot") {
    // Whatever happened while the stream was down shows as a version that differs.
    const s = message.data as Partial<SpeciesDetail>;
    if (cached && (s.dataVersion !== cached.dataVersion || s.vettingsVersion !== cached.vettingsVersion || s.reclassifying !== cached.reclassifying)) {
      void queryClient.invalidateQueries({ queryKey: speciesKey(speciesId) });
      void queryClient.invalidateQueries({ queryKey: distributionKey(speciesId) });
      void queryClient.invalidateQueries({ queryKey: modelQueryKey(speciesId) });
      return;
    }
    // A range the page holds as pending may have been built before the stream opened (its event
    // then went to nobody), and no later event will tell: ask once more.
    const pending = queryClient.getQueriesData<{ pending?: boolean }>({ queryKey: distributionKey(speciesId) }).some(([, d]) => d?.pending);
    if (pending) void queryClient.invalidateQueries({ queryKey: distributionKey(speciesId) });
    return;
  }
  const { event } = message;
  if (event.type === "distribution") {
    void queryClient.invalidateQueries({ queryKey: distributionKey(speciesId) });
  } else if (event.type === "model") {
    void queryClient.invalidateQueries({ queryKey: modelQueryKey(speciesId) });
  } else if (event.type === "vettings" || (event.type === "species" && (!cached || cached.dataVersion !== event.dataVersion || cached.reclassifying))) {
    // The new version goes to the tiles at once (their URLs carry it); the counts and the
    // reclassifying flag follow with the species' answer.
    if (event.type === "species" && cached && event.dataVersion > cached.dataVersion) {
      queryClient.setQueryData<SpeciesDetail>(speciesKey(speciesId), { ...cached, dataVersion: event.dataVersion });
    }
    void queryClient.invalidateQueries({ queryKey: speciesKey(speciesId) });
  }
}

export function useLiveSpecies(speciesId: number | null): void {
  const queryClient = useQueryClient();
  const onMessage = useCallback((m: LiveMessage) => speciesId !== null && applySpeciesMessage(queryClient, speciesId, m), [queryClient, speciesId]);
  useLiveEvents(speciesId === null ? null : `species:${speciesId}`, onMessage);
}
