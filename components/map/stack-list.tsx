"use client";

import { useState } from "react";
import type { ViewFilters } from "@/lib/species/view-state";
import { useStack } from "@/components/species/api";
import { CategorySwatch } from "@/components/species/category-swatch";
import { categoryLabel, formatBasisOfRecord, formatCount, formatDate } from "@/components/species/format";
import { OccurrenceDetails } from "./occurrence-details";

interface Props {
  speciesId: number;
  filters: ViewFilters;
  at: { lon: number; lat: number; radius: number };
}

/** Records stacked at one position (no zoom splits them): a list, each opening its details. */
export function StackList({ speciesId, filters, at }: Props) {
  const { data, error, isPending } = useStack(speciesId, filters, at);
  const [open, setOpen] = useState<number | null>(null);
  if (open !== null) {
    return (
      <div>
        <button type="button" onClick={() => setOpen(null)} className="mb-2 text-sm font-medium text-sky-800 underline underline-offset-2">
          ← All records here
        </button>
        <OccurrenceDetails id={open} />
      </div>
    );
  }
  if (isPending) return <p className="text-sm text-slate-600" role="status">Loading the records here…</p>;
  if (error) return <p className="text-sm text-red-700" role="alert">The records could not be loaded: {error.message}</p>;
  if (data.total === 0) return <p className="text-sm">No records here under the current filters.</p>;
  return (
    <div className="text-sm" data-testid="stack-list">
      <h3 className="pr-6 font-semibold">{formatCount(data.total)} records at this place</h3>
      <ul className="mt-1 max-h-64 overflow-y-auto">
        {data.records.map((r) => (
          <li key={r.id}>
            <button type="button" onClick={() => setOpen(r.id)} className="flex w-full items-center gap-2 rounded px-1 py-1 text-left hover:bg-slate-100">
              <CategorySwatch category={r.classification} contentious={r.contentious} />
              <span className="flex-1">{r.eventDate ? formatDate(r.eventDate) : "Undated"}</span>
              <span className="text-xs text-slate-500">
                {formatBasisOfRecord(r.basisOfRecord)} · {categoryLabel(r.classification)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {data.total > data.records.length && (
        <p className="mt-1 text-xs text-slate-500">
          The first {data.records.length}; download the records for all {formatCount(data.total)}.
        </p>
      )}
    </div>
  );
}
