"use client";

import { useId } from "react";

export interface SourceItem {
  id: number;
  name: string;
}

interface Props {
  /** null: every source. */
  selected: number[] | null;
  onChange: (sources: number[] | null) => void;
  sources: SourceItem[];
}

/** One checkbox per record source; shown only when there is more than one. */
export function SourceFilter({ selected, onChange, sources }: Props) {
  const id = useId();
  if (sources.length < 2) return null;
  const shown = (s: number) => selected === null || selected.includes(s);
  const toggle = (s: number, on: boolean) => {
    const next = sources.map((x) => x.id).filter((x) => (x === s ? on : shown(x)));
    // Every source ticked is the default (no parameter), so new sources show up too.
    onChange(next.length === sources.length ? null : next);
  };
  return (
    <fieldset className="grid gap-1 text-sm">
      <legend className="mb-1 font-medium">Sources</legend>
      {sources.map((s) => (
        <div key={s.id} className="flex items-center gap-2">
          <input
            id={`${id}-${s.id}`}
            type="checkbox"
            checked={shown(s.id)}
            onChange={(e) => toggle(s.id, e.target.checked)}
            className="h-4 w-4 accent-sky-700"
          />
          <label htmlFor={`${id}-${s.id}`}>{s.name}</label>
        </div>
      ))}
    </fieldset>
  );
}
