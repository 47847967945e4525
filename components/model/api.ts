"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/components/species/api";
import type { ModelAnswer, ModelScenario } from "@/lib/suitability/api";
import type { Wire } from "@/components/admin/api";

export type ModelView = Wire<ModelAnswer>;
export type { ModelScenario };

/** While queued or fitting, a new model is moments (or minutes) away: ask every few seconds. */
const BUSY_POLL_MS = 3_000;

export const modelUrl = (speciesId: number) => `/api/distributions/${speciesId}/model`;
export const modelTileUrl = (speciesId: number, setId: number, version: number) => `/api/distributions/${speciesId}/model/${setId}/{z}/{x}/{y}.png?v=${version}`;
export const modelDownloadUrl = (speciesId: number, setId: number) => `/api/distributions/${speciesId}/model/${setId}/download`;

export const modelQueryKey = (speciesId: number) => ["model", speciesId] as const;

export function useModel(speciesId: number) {
  return useQuery({
    queryKey: modelQueryKey(speciesId),
    queryFn: ({ signal }) => fetchJson<ModelView>(modelUrl(speciesId), signal),
    refetchInterval: (query) => (query.state.data?.status === "queued" || query.state.data?.status === "fitting" ? BUSY_POLL_MS : false),
  });
}

/**
 * The steps of the time slider for a future scenario: the current climate, then that scenario's
 * sets by year.
 */
export function timeline(scenarios: ModelScenario[], scenario: string): ModelScenario[] {
  const current = scenarios.filter((s) => s.scenario === "current");
  const future = scenarios.filter((s) => s.scenario === scenario && s.year !== null).sort((a, b) => (a.year ?? 0) - (b.year ?? 0));
  return [...current, ...future];
}

export function futureScenarios(scenarios: ModelScenario[]): string[] {
  return [...new Set(scenarios.filter((s) => s.scenario !== "current").map((s) => s.scenario))].sort();
}
