"use client";

import { useId, useState, type ReactNode } from "react";

/**
 * The species panel: a column beside the map on wide screens, a bottom sheet over the map on
 * phones (collapsed to its title until opened).
 */
export function SidePanel({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <aside
      aria-label="Species details"
      data-testid="side-panel"
      className="absolute inset-x-0 bottom-0 z-20 flex max-h-[65dvh] flex-col rounded-t-xl border-t border-slate-200 bg-white shadow-[0_-4px_16px_rgba(15,23,42,0.15)] md:static md:z-auto md:max-h-none md:w-[360px] md:shrink-0 md:rounded-none md:border-r md:border-t-0 md:shadow-none"
    >
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center justify-between gap-2 px-4 py-2.5 text-left md:hidden"
      >
        <span className="min-w-0 truncate font-medium">{title}</span>
        <span className="shrink-0 text-sm text-sky-800">{open ? "Hide details" : "Show details"}</span>
      </button>
      <div id={id} className={`${open ? "block" : "hidden"} min-h-0 overflow-y-auto border-t border-slate-100 md:block md:border-t-0`}>
        {children}
      </div>
    </aside>
  );
}
