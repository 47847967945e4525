"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useIsLive } from "@/components/live/live-status";
import { fetchJson } from "@/components/species/api";
import type { DistributionAnswer } from "@/lib/distribution/store";

export type { DistributionAnswer };

/** While a rebuild is pending the new products are seconds away: ask every second. */
const PENDING_POLL_MS = 1_000;

export interface DistributionView {
  /** The layer is on the map. */
  shown: boolean;
  includeContentious: boolean;
}

const contentiousQuery = (includeContentious: boolean) => `?contentious=${includeContentious ? "include" : "exclude"}`;

/** The range or the cells as GeoJSON (the layer's data; `&download=1` makes it a file). */
export const productUrl = (speciesId: number, product: "range" | "cells", includeContentious: boolean) =>
  `/api/species/${speciesId}/distribution/${product}${contentiousQuery(includeContentious)}`;

/**
 * The species' range products. Asked for again whenever the species' data or vettings change (the
 * page polls the species), and every second while a rebuild is pending.
 */
export function useDistribution(speciesId: number, includeContentious: boolean, sourceVersion: string | undefined) {
  // While the species' event stream is open, a rebuilt range is announced (components/live).
  const live = useIsLive(`species:${speciesId}`);
  return useQuery({
    queryKey: ["distribution", speciesId, includeContentious, sourceVersion],
    queryFn: ({ signal }) => fetchJson<DistributionAnswer>(`/api/species/${speciesId}/distribution${contentiousQuery(includeContentious)}`, signal),
    enabled: sourceVersion !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (!live && query.state.data?.pending ? PENDING_POLL_MS : false),
  });
}
