"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { SpeciesMatch } from "@/lib/species/search";
import { parseViewState, viewQuery, type MapPosition, type ViewFilters, type ViewState } from "@/lib/species/view-state";
import { AccountMenu } from "@/components/auth/account-menu";
import type { DistributionView } from "@/components/distribution/api";
import { SpeciesMap } from "@/components/map/species-map";
import { SpeciesSearch } from "@/components/search/species-search";
import { useLiveSpecies } from "@/components/live/use-live-species";
import { useSpecies } from "@/components/species/api";
import { SpeciesIntro } from "@/components/species/species-intro";
import { SpeciesPanel } from "@/components/species/species-panel";
import { AppHeader } from "./app-header";
import { SidePanel } from "./side-panel";

interface Props {
  initialSpeciesId: number | null;
  initialView: ViewState;
  styleUrl?: string;
}

const pathFor = (speciesId: number | null) => (speciesId === null ? "/" : `/species/${speciesId}`);
const speciesInPath = (path: string) => {
  const m = /^\/species\/(\d+)$/.exec(path);
  return m ? Number(m[1]) : null;
};

/**
 * The map page: search, side panel (a bottom sheet on phones) and the map. Species, filters and
 * map position live in the URL (lib/species/view-state.ts), written with the History API so the
 * map is never rebuilt: a new species is a new history entry, filter and map changes replace it.
 */
export function SpeciesExplorer({ initialSpeciesId, initialView, styleUrl }: Props) {
  const [speciesId, setSpeciesId] = useState(initialSpeciesId);
  const [filters, setFilters] = useState<ViewFilters>(initialView.filters);
  const [distribution, setDistribution] = useState<DistributionView>({ shown: false, includeContentious: false });
  const mapView = useRef<MapPosition | null>(initialView.map);
  const species = useSpecies(speciesId);
  useLiveSpecies(speciesId);

  const writeUrl = useCallback((mode: "push" | "replace", id: number | null, f: ViewFilters) => {
    // A new species starts a clean entry; within one, other features' parameters are kept.
    const others = mode === "replace" ? new URLSearchParams(window.location.search) : undefined;
    const query = viewQuery({ filters: f, map: mapView.current }, others);
    const url = `${pathFor(id)}${query ? `?${query}` : ""}`;
    if (url === `${window.location.pathname}${window.location.search}`) return;
    window.history[mode === "push" ? "pushState" : "replaceState"](null, "", url);
  }, []);

  const selectSpecies = useCallback(
    (s: SpeciesMatch) => {
      setSpeciesId(s.id);
      writeUrl("push", s.id, filters);
    },
    [filters, writeUrl],
  );

  const changeFilters = useCallback(
    (f: ViewFilters) => {
      setFilters(f);
      writeUrl("replace", speciesId, f);
    },
    [speciesId, writeUrl],
  );

  const onViewChange = useCallback(
    (view: MapPosition) => {
      mapView.current = view;
      writeUrl("replace", speciesId, filters);
    },
    [speciesId, filters, writeUrl],
  );

  // Back and forward: the species and filters of that entry (the map stays where it is).
  useEffect(() => {
    const onPopState = () => {
      setSpeciesId(speciesInPath(window.location.pathname));
      setFilters(parseViewState(new URLSearchParams(window.location.search)).filters);
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  useEffect(() => {
    const s = species.data;
    document.title = s ? `${s.commonName ?? s.scientificName} — Edgar` : "Edgar — Australian bird occurrences";
  }, [species.data]);

  const panel =
    speciesId === null ? (
      <SpeciesIntro onSelect={selectSpecies} />
    ) : (
      <SpeciesPanel key={speciesId} speciesId={speciesId} filters={filters} onFiltersChange={changeFilters} distribution={distribution} onDistributionChange={setDistribution} />
    );
  const sheetTitle = speciesId === null ? "Choose a species" : (species.data?.commonName ?? species.data?.scientificName ?? "Species");

  return (
    <div className="flex h-dvh flex-col">
      <AppHeader search={<SpeciesSearch onSelect={selectSpecies} />} account={<AccountMenu />} />
      <div className="relative flex min-h-0 flex-1">
        <SidePanel title={sheetTitle}>{panel}</SidePanel>
        {/* On phones the collapsed bottom sheet takes the last 46px: the map (and its attribution) ends above it. */}
        <main className="relative mb-[46px] min-w-0 flex-1 md:mb-0">
          <h1 className="sr-only">Edgar: Australian bird occurrences</h1>
          <SpeciesMap
            speciesId={species.isError ? null : speciesId}
            dataVersion={species.data?.dataVersion}
            vettingsVersion={species.data?.vettingsVersion}
            filters={filters}
            distribution={distribution}
            onDistributionChange={setDistribution}
            styleUrl={styleUrl}
            initialView={initialView.map}
            onViewChange={onViewChange}
          />
        </main>
      </div>
    </div>
  );
}
