"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useIsLive } from "@/components/live/live-status";
import type { OccurrenceDetail } from "@/lib/occurrences/detail";
import type { Stack } from "@/lib/occurrences/stack";
import type { SpeciesDetail } from "@/lib/species/detail";
import type { SpeciesMatch } from "@/lib/species/search";
import type { SpeciesSummary } from "@/lib/species/summary";
import { filterParams, type ViewFilters } from "@/lib/species/view-state";

/** An API error answer, with the server's sentence for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body?.message ?? `The server answered ${response.status}.`);
  }
  return response.json() as Promise<T>;
}

/** How often the open species is checked for a new data version (a sync or a vetting). */
const VERSION_POLL_MS = 5_000;
/** While a vetting change is being applied the new version is seconds away: ask more often. */
const RECLASSIFYING_POLL_MS = 1_000;

export function useSpecies(id: number | null) {
  // While the species' event stream is open (components/live) it says when to ask again.
  const live = useIsLive(id === null ? null : `species:${id}`);
  return useQuery({
    queryKey: ["species", id],
    queryFn: ({ signal }) => fetchJson<SpeciesDetail>(`/api/species/${id}`, signal),
    enabled: id !== null,
    // Polled only while the tab is visible (TanStack pauses intervals in background tabs).
    refetchInterval: (query) => (live ? false : query.state.data?.reclassifying ? RECLASSIFYING_POLL_MS : VERSION_POLL_MS),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}

export function useSpeciesSummary(id: number | null, filters: ViewFilters, dataVersion: number | undefined) {
  const query = filterParams(filters).toString();
  return useQuery({
    queryKey: ["species-summary", id, query, dataVersion],
    queryFn: ({ signal }) => fetchJson<SpeciesSummary>(`/api/species/${id}/summary?${query}`, signal),
    enabled: id !== null && dataVersion !== undefined,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

export function useSpeciesSearch(q: string) {
  return useQuery({
    queryKey: ["species-search", q],
    queryFn: ({ signal }) => fetchJson<SpeciesMatch[]>(`/api/species?${new URLSearchParams({ q, limit: "8" })}`, signal),
    placeholderData: keepPreviousData,
  });
}

export function useOccurrence(id: number | null) {
  return useQuery({
    queryKey: ["occurrence", id],
    queryFn: ({ signal }) => fetchJson<OccurrenceDetail>(`/api/occurrences/${id}`, signal),
    enabled: id !== null,
  });
}

export function useStack(speciesId: number, filters: ViewFilters, at: { lon: number; lat: number; radius: number } | null) {
  const params = filterParams(filters);
  if (at) for (const [k, v] of Object.entries(at)) params.set(k, String(v));
  return useQuery({
    queryKey: ["stack", speciesId, params.toString()],
    queryFn: ({ signal }) => fetchJson<Stack>(`/api/species/${speciesId}/stack?${params}`, signal),
    enabled: at !== null,
  });
}

/** The record sources, for the source filter. */
export function useSources() {
  return useQuery({
    queryKey: ["sources"],
    queryFn: ({ signal }) => fetchJson<{ id: number; name: string; kind: string }[]>("/api/sources", signal),
    staleTime: 60_000,
  });
}
