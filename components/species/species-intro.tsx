"use client";

import type { SpeciesMatch } from "@/lib/species/search";
import { useSpeciesSearch } from "./api";
import { formatCount } from "./format";

/** The panel before a species is chosen: what Edgar shows, and the most-recorded species to start from. */
export function SpeciesIntro({ onSelect }: { onSelect: (species: SpeciesMatch) => void }) {
  const top = useSpeciesSearch("");
  return (
    <div className="grid grid-cols-1 gap-3 p-4 text-sm" data-testid="species-intro">
      <h2 className="text-lg font-semibold">Where has each bird been seen?</h2>
      <p className="text-slate-700">
        Search for a species by its scientific or common name to map its records from the Atlas of Living Australia, coloured by how
        far they can be trusted.
      </p>
      <section aria-labelledby="most-recorded">
        <h3 id="most-recorded" className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
          Most recorded
        </h3>
        {top.isPending ? (
          <p role="status" className="text-slate-500">
            Loading…
          </p>
        ) : top.isError ? (
          <p role="alert" className="text-red-700">
            The species could not be loaded: {top.error.message}
          </p>
        ) : top.data.length === 0 ? (
          <p className="text-slate-600">No species yet: the first sync with the ALA has not finished.</p>
        ) : (
          <ul className="grid grid-cols-1 gap-1">
            {top.data.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  onClick={() => onSelect(s)}
                  className="flex w-full items-baseline justify-between gap-2 rounded-md px-2 py-1 text-left hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-700"
                >
                  <span className="min-w-0 truncate">
                    {s.commonName ?? s.scientificName}
                    {s.commonName && <span className="ml-1 text-xs italic text-slate-500">{s.scientificName}</span>}
                  </span>
                  <span className="shrink-0 text-xs tabular-nums text-slate-500">{formatCount(s.occurrenceCount)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
