"use client";

import { useId } from "react";
import { DEFAULT_VIEW_FILTERS, type ViewFilters } from "@/lib/species/view-state";
import { YearRange } from "./year-range";

interface Props {
  filters: ViewFilters;
  onChange: (filters: ViewFilters) => void;
}

/** Year range, duplicates and a reset; the categories are toggled in the legend. */
export function FilterControls({ filters, onChange }: Props) {
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
