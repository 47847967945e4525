"use client";

import type { Map as MapLibreMap } from "maplibre-gl";
import { useEffect } from "react";
import { productUrl, useDistribution, type DistributionView } from "./api";
import { CELLS_OPACITY, DISTRIBUTION_COLOUR, hideDistribution, showDistribution } from "./distribution-layers";

interface Props {
  map: MapLibreMap;
  speciesId: number;
  sourceVersion: string | undefined;
  view: DistributionView;
  onViewChange: (view: DistributionView) => void;
  /** The layer the distribution is drawn under (the occurrences). */
  beneath: string;
}

/** The "Distribution" toggle over the map, its legend, and the layers it shows. */
export function DistributionControl({ map, speciesId, sourceVersion, view, onViewChange, beneath }: Props) {
  const distribution = useDistribution(speciesId, view.includeContentious, sourceVersion);
  const builtAt = distribution.data?.builtAt ?? null;

  useEffect(() => {
    if (!view.shown || builtAt === null) {
      hideDistribution(map);
      return;
    }
    // builtAt in the URL: a rebuild is new data, never a cached answer.
    const v = `&v=${encodeURIComponent(builtAt)}`;
    showDistribution(map, { cells: productUrl(speciesId, "cells", view.includeContentious) + v, range: productUrl(speciesId, "range", view.includeContentious) + v }, beneath);
  }, [map, speciesId, view.shown, view.includeContentious, builtAt, beneath]);
  useEffect(() => () => hideDistribution(map), [map]);

  const cell = distribution.data?.displayCell;
  const cellSize = cell ? ("km" in cell ? `${cell.km} km` : `${cell.degrees}°`) : "";
  return (
    <div
      className="absolute bottom-8 left-3 z-10 max-w-[16rem] rounded-md border border-slate-300 bg-white/95 px-2.5 py-1.5 text-sm shadow-sm"
      data-testid="distribution-control"
      data-shown={view.shown}
      data-built-at={builtAt ?? ""}
    >
      <label className="flex items-center gap-2 font-medium">
        <input type="checkbox" checked={view.shown} onChange={(e) => onViewChange({ ...view, shown: e.target.checked })} />
        Distribution
      </label>
      {view.shown && (
        <ul className="mt-1 grid gap-0.5 text-xs text-slate-700" aria-label="Distribution legend">
          <li className="flex items-center gap-2">
            <span aria-hidden="true" className="inline-block h-0 w-5 border-t-[3px]" style={{ borderColor: DISTRIBUTION_COLOUR }} />
            Range (alpha hull)
          </li>
          <li className="flex items-center gap-2">
            <span aria-hidden="true" className="inline-block h-0 w-5 border-t border-dashed" style={{ borderColor: DISTRIBUTION_COLOUR }} />
            Extent of occurrence (convex hull)
          </li>
          <li className="flex items-center gap-2">
            <span aria-hidden="true" className="inline-block h-3 w-5" style={{ background: DISTRIBUTION_COLOUR, opacity: CELLS_OPACITY * 2 }} />
            Occupied {cellSize} cells
          </li>
          {distribution.data && builtAt === null && <li>Not built yet.</li>}
        </ul>
      )}
    </div>
  );
}
