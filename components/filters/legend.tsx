"use client";

import type { Classification } from "@/lib/domain/codes";
import { CATEGORIES, CONTENTIOUS_COLOUR } from "@/lib/domain/colours";
import type { CategoryCounts } from "@/lib/species/summary";
import { classificationKey } from "@/lib/domain/codes";
import { formatCount } from "@/components/species/format";

interface Props {
  shown: readonly Classification[];
  counts: CategoryCounts | undefined;
  onToggle: (category: Classification) => void;
}

/** The map's legend, and the category filter: each entry is a toggle button. */
export function Legend({ shown, counts, onToggle }: Props) {
  return (
    <fieldset data-testid="legend">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Categories shown</legend>
      <ul className="grid grid-cols-1 gap-1">
        {CATEGORIES.map(({ id, colour, label }) => {
          const on = shown.includes(id);
          return (
            <li key={id}>
              <button
                type="button"
                aria-pressed={on}
                data-category={id}
                onClick={() => onToggle(id)}
                className={`flex w-full items-center gap-2 rounded-md border px-2 py-1.5 text-left text-sm transition-colors focus-visible:outline-2 focus-visible:outline-sky-700 ${
                  on ? "border-slate-300 bg-white" : "border-dashed border-slate-300 bg-slate-100 text-slate-500"
                }`}
              >
                <span
                  aria-hidden="true"
                  data-testid="legend-swatch"
                  data-colour={colour}
                  className="h-4 w-4 shrink-0 rounded-full"
                  style={{ background: on ? colour : "transparent", border: `3px solid ${colour}` }}
                />
                <span className="flex-1">{label}</span>
                <span className="tabular-nums text-slate-600" data-testid="legend-count">
                  {counts ? formatCount(counts[classificationKey[id]]) : "…"}
                </span>
                <span className="sr-only">{on ? "(shown; press to hide)" : "(hidden; press to show)"}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <p className="mt-2 flex items-center gap-2 text-xs text-slate-600">
        <span aria-hidden="true" className="inline-block h-3 w-3 rounded-full bg-white" style={{ boxShadow: `0 0 0 2px ${CONTENTIOUS_COLOUR}` }} />
        Black ring: contentious (experts disagree)
      </p>
    </fieldset>
  );
}
