"use client";

import { useEffect, useId, useState, type ChangeEvent, type KeyboardEvent } from "react";

interface Props {
  from: number | null;
  to: number | null;
  onChange: (from: number | null, to: number | null) => void;
}

/** null: empty (open end); undefined: not a year. */
const parse = (text: string): number | null | undefined => {
  if (text.trim() === "") return null;
  return /^\d{4}$/.test(text.trim()) ? Number(text) : undefined;
};

/** The range the map shows, in words. */
const rangeText = (from: number | null, to: number | null) =>
  from === null && to === null ? "all years" : from === null ? `up to ${to}` : to === null ? `from ${from}` : `${from}–${to}`;

/**
 * Two year fields, applied on Enter, on leaving them or with the button; problems are said then,
 * not while typing. Fields that cannot be applied say so, with the range still in force, so the
 * map and downloads never silently disagree with what the fields show.
 */
export function YearRange({ from, to, onChange }: Props) {
  const id = useId();
  const [fromText, setFromText] = useState(from?.toString() ?? "");
  const [toText, setToText] = useState(to?.toString() ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setFromText(from?.toString() ?? ""), [from]);
  useEffect(() => setToText(to?.toString() ?? ""), [to]);

  const apply = () => {
    const a = parse(fromText);
    const b = parse(toText);
    if (a === undefined || b === undefined) return setProblem("Years have four digits, e.g. 1990.");
    if (a !== null && b !== null && a > b) return setProblem("The first year must not be after the last.");
    setProblem(null);
    if (a !== from || b !== to) onChange(a, b);
  };

  const field = (which: "from" | "to") => ({
    id: `${id}-${which}`,
    inputMode: "numeric" as const,
    placeholder: which === "from" ? "From" : "To",
    value: which === "from" ? fromText : toText,
    onChange: (e: ChangeEvent<HTMLInputElement>) => (which === "from" ? setFromText : setToText)(e.target.value),
    onKeyDown: (e: KeyboardEvent) => e.key === "Enter" && apply(),
    "aria-invalid": problem !== null,
    "aria-describedby": problem ? `${id}-problem` : undefined,
    className: "w-20 rounded-md border border-slate-300 px-2 py-1 text-sm tabular-nums aria-invalid:border-red-600",
  });

  return (
    <fieldset onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && apply()}>
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Years</legend>
      <div className="flex items-center gap-2">
        <label htmlFor={`${id}-from`} className="sr-only">
          From year
        </label>
        <input {...field("from")} />
        <span aria-hidden="true">–</span>
        <label htmlFor={`${id}-to`} className="sr-only">
          To year
        </label>
        <input {...field("to")} />
        <button type="button" onClick={apply} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-50">
          Apply
        </button>
      </div>
      {problem && (
        <p id={`${id}-problem`} role="alert" className="mt-1 text-xs text-red-700" data-testid="year-range-problem">
          {problem} Not applied: the map and downloads still show {rangeText(from, to)}.
        </p>
      )}
    </fieldset>
  );
}
