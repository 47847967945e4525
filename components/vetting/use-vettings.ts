"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { requestJson } from "@/components/auth/request";
import type { RangeQualifier } from "@/lib/domain/codes";
import type { Area } from "@/lib/geometry/point-in-area";
import type { Vetting, VettingClassification, VettingDetail } from "@/lib/vetting/vettings";

export type { Area, Vetting, VettingClassification, VettingDetail };

export const vettingsKey = (speciesId: number) => ["vettings", speciesId] as const;

/**
 * A species' live vettings (GET /api/vettings?speciesId=), drawn as outlines. Asked for again with
 * each new `vettingsVersion` of the species (which the page polls), so any expert's new, changed
 * or deleted vetting appears on every open page within seconds, a comment-only change included.
 */
export function useVettings(speciesId: number, vettingsVersion: string | undefined) {
  return useQuery({
    queryKey: [...vettingsKey(speciesId), vettingsVersion],
    queryFn: () => requestJson<Vetting[]>("GET", `/api/vettings?speciesId=${speciesId}`),
    enabled: vettingsVersion !== undefined,
    placeholderData: keepPreviousData,
  });
}

/** One vetting (GET /api/vettings/{id}), for `?vetting=` links. */
export function useVetting(id: number | null) {
  return useQuery({
    queryKey: ["vetting", id],
    queryFn: () => requestJson<VettingDetail>("GET", `/api/vettings/${id}`),
    enabled: id !== null,
    retry: false,
    staleTime: 0,
  });
}

export interface VettingInput {
  classification: VettingClassification;
  rangeQualifier: RangeQualifier | null;
  area: Area;
  comment: string;
}

export type VettingWrite =
  | { kind: "create"; input: VettingInput }
  /** Without an area when it cannot be edited on the map (it keeps its own). */
  | { kind: "update"; id: number; input: Omit<VettingInput, "area"> & { area?: Area } }
  | { kind: "delete"; id: number };

/**
 * Create, change or delete a vetting of the species. Afterwards the outlines are reloaded and the
 * species asked for again, so its new data version (set once the re-classification job has run)
 * re-points the tiles; until then the regular poll of the species keeps asking.
 */
export function useVettingWrite(speciesId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (write: VettingWrite): Promise<unknown> => {
      switch (write.kind) {
        case "create":
          return requestJson<Vetting>("POST", "/api/vettings", { speciesId, ...write.input });
        case "update":
          return requestJson<Vetting>("PATCH", `/api/vettings/${write.id}`, write.input);
        case "delete":
          return requestJson<void>("DELETE", `/api/vettings/${write.id}`);
      }
    },
    onSuccess: async (_answer, write) => {
      if (write.kind !== "create") queryClient.removeQueries({ queryKey: ["vetting", write.id] });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: vettingsKey(speciesId) }),
        queryClient.invalidateQueries({ queryKey: ["species", speciesId] }),
      ]);
    },
  });
}
