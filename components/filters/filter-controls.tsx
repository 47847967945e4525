"use client";

import { useId } from "react";
import { DEFAULT_VIEW_FILTERS, type ViewFilters } from "@/lib/species/view-state";
import { SourceFilter, type SourceItem } from "./source-filter";
import { YearRange } from "./year-range";

interface Props {
  filters: ViewFilters;
  onChange: (filters: ViewFilters) => void;
  /** The record sources (/api/sources); their filter shows when there are several. */
  sources?: SourceItem[];
}

/** Year range, duplicates, sources and a reset; the categories are toggled in the legend. */
export function FilterControls({ filters, onChange, sources = [] }: Props) {
  const id = useId();
  const isDefault = JSON.stringify(filters) === JSON.stringify(DEFAULT_VIEW_FILTERS);
  return (
    <div className="grid gap-3">
      <YearRange from={filters.yearFrom} to={filters.yearTo} onChange={(yearFrom, yearTo) => onChange({ ...filters, yearFrom, yearTo })} />
      <div className="flex items-center gap-2 text-sm">
        <input
          id={`${id}-dups`}
          type="checkbox"
          checked={filters.duplicates === "hide"}
          onChange={(e) => onChange({ ...filters, duplicates: e.target.checked ? "hide" : "show" })}
          className="h-4 w-4 accent-sky-700"
        />
        <label htmlFor={`${id}-dups`}>Hide duplicate records</label>
      </div>
      <SourceFilter selected={filters.sources} sources={sources} onChange={(next) => onChange({ ...filters, sources: next })} />
      {!isDefault && (
        <button
          type="button"
          onClick={() => onChange(DEFAULT_VIEW_FILTERS)}
          className="justify-self-start text-sm font-medium text-sky-800 underline underline-offset-2"
        >
          Reset filters
        </button>
      )}
    </div>
  );
}
