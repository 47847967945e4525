"use client";

import { useEffect, useRef, type ReactNode } from "react";

export const button =
  "inline-flex items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700 disabled:cursor-not-allowed disabled:opacity-50";
export const primary =
  "inline-flex items-center justify-center gap-1 rounded-md bg-sky-800 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-sky-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700 disabled:cursor-not-allowed disabled:opacity-50";
export const danger =
  "inline-flex items-center justify-center gap-1 rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-red-700 disabled:cursor-not-allowed disabled:opacity-50";
export const input =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700 aria-invalid:border-red-600";
const th = "px-3 py-2 font-semibold";
export const td = "px-3 py-2";

/** A titled part of the console; its heading names the region for screen readers and the page's section links. */
export function Section({ id, title, children, actions }: { id: string; title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        {/* Focusable so a link from elsewhere on the page can take the reader here. */}
        <h2 id={`${id}-title`} tabIndex={-1} className="text-lg font-semibold focus-visible:outline-2 focus-visible:outline-sky-700">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Loading and error states of a query, the same everywhere. */
export function QueryState({ what, isPending, error }: { what: string; isPending: boolean; error: Error | null }) {
  if (error) return <ErrorNote>{`Could not load ${what}: ${error.message}`}</ErrorNote>;
  if (isPending) return <p className="text-sm text-slate-600">Loading {what}…</p>;
  return null;
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {children}
    </p>
  );
}

/** A table row's own refusal (a failed action on that row), under its buttons. */
export function RowError({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="mt-1 max-w-xs text-xs text-red-800">
      {error}
    </p>
  );
}

/**
 * "Are you sure?" in place: focus moves to the confirming button; Cancel (or Escape) puts it back
 * where the caller wants it.
 */
export function ConfirmInline({
  prompt,
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
}: {
  prompt: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
}) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div
      role="group"
      aria-label={confirmLabel}
      className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
      onKeyDown={(e) => {
        if (e.key === "Escape") onCancel();
      }}
    >
      <span>{prompt}</span>
      <button ref={confirm} type="button" className={danger} onClick={onConfirm} disabled={busy}>
        {confirmLabel}
      </button>
      <button type="button" className={button} onClick={onCancel} disabled={busy}>
        Cancel
      </button>
    </div>
  );
}

/** A column heading; `numeric` aligns it right, `hidden` keeps it for screen readers only. */
export type Column = string | { label: string; numeric?: boolean; hidden?: boolean };

/**
 * A table in its own sideways scrolling area, with a caption and column headings. `relative`
 * keeps absolutely positioned descendants (the sr-only texts) inside that area; otherwise they
 * would widen the whole page on narrow screens.
 */
export function DataTable({
  caption,
  showCaption = false,
  columns,
  className = "",
  children,
}: {
  caption: string;
  showCaption?: boolean;
  columns: Column[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`relative overflow-x-auto rounded-md border border-slate-200 ${className}`}>
      <table className="w-full text-left text-sm">
        <caption className={showCaption ? "px-3 py-2 text-left text-sm font-semibold text-slate-800" : "sr-only"}>{caption}</caption>
        <thead className="sticky top-0 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((c) => {
              const { label, numeric = false, hidden = false } = typeof c === "string" ? { label: c } : c;
              return (
                <th key={label} scope="col" className={`${th}${numeric ? " text-right" : ""}`}>
                  {hidden ? <span className="sr-only">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

/** Numbers line up in their columns. */
export function Num({ children }: { children: ReactNode }) {
  return <span className="tabular-nums">{children}</span>;
}
