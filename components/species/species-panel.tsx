"use client";

import { CLASSIFICATIONS, type Classification } from "@/lib/domain/codes";
import type { ViewFilters } from "@/lib/species/view-state";
import type { DistributionView } from "@/components/distribution/api";
import { DistributionPanel } from "@/components/distribution/distribution-panel";
import { ModelPanel } from "@/components/model/model-panel";
import { FilterControls } from "@/components/filters/filter-controls";
import { Legend } from "@/components/filters/legend";
import { VettingList } from "@/components/vetting/vetting-list";
import { ApiError, useSources, useSpecies, useSpeciesSummary } from "./api";
import { DownloadLinks } from "./download-links";
import { formatAgo, formatCount, formatDateTime } from "./format";
import { YearChart } from "./year-chart";

interface Props {
  speciesId: number;
  filters: ViewFilters;
  onFiltersChange: (filters: ViewFilters) => void;
  distribution: DistributionView;
  onDistributionChange: (view: DistributionView) => void;
}

const heading = "text-xs font-semibold uppercase tracking-wide text-slate-500";

export function SpeciesPanel({ speciesId, filters, onFiltersChange, distribution, onDistributionChange }: Props) {
  const species = useSpecies(speciesId);
  const summary = useSpeciesSummary(speciesId, filters, species.data?.dataVersion);
  const sources = useSources();

  if (species.isPending) {
    return (
      <p role="status" className="p-4 text-sm text-slate-600">
        Loading the species…
      </p>
    );
  }
  if (species.isError) {
    const missing = species.error instanceof ApiError && species.error.status === 404;
    return (
      <div role="alert" className="p-4 text-sm">
        <p className="font-medium">{missing ? `There is no species ${speciesId}.` : "The species could not be loaded."}</p>
        <p className="mt-1 text-slate-600">{missing ? "Search for a species by its scientific or common name." : species.error.message}</p>
        {!missing && (
          <button type="button" onClick={() => species.refetch()} className="mt-2 rounded-md border border-slate-300 bg-white px-3 py-1 text-sm">
            Try again
          </button>
        )}
      </div>
    );
  }

  const s = species.data;
  const toggle = (category: Classification) =>
    onFiltersChange({
      ...filters,
      // Legend order, whatever order they were toggled in.
      classifications: CLASSIFICATIONS.filter((c) => (c === category) !== filters.classifications.includes(c)),
    });
  const matching = summary.data?.matching;

  return (
    <div className="grid grid-cols-1 gap-4 p-4" data-testid="species-panel" data-species-id={s.id} data-data-version={s.dataVersion}>
      <header>
        <h2 className="text-lg font-semibold leading-tight">{s.commonName ?? s.scientificName}</h2>
        {s.commonName && <p className="italic text-slate-700">{s.scientificName}</p>}
        <p className="mt-1 text-xs text-slate-500">
          {s.lastSyncedAt ? (
            <>
              Synced with the ALA{" "}
              <time dateTime={s.lastSyncedAt} title={formatDateTime(s.lastSyncedAt)}>
                {formatAgo(s.lastSyncedAt)}
              </time>
            </>
          ) : (
            "Not synced with the ALA yet"
          )}
        </p>
      </header>

      <dl className="grid grid-cols-2 gap-2 text-sm">
        <Stat label="Records" value={s.occurrenceCount} testId="total-count" />
        <Stat label="Contentious" value={s.contentiousCount} testId="contentious-count" />
      </dl>
      {s.reclassifying && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="reclassifying">
          Applying a vetting change: the categories here and on the map update when it is done.
        </p>
      )}

      {s.occurrenceCount === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-3 text-sm text-slate-700" data-testid="empty-species">
          No records for this species.
        </p>
      ) : (
        <>
          <p className="text-sm" role="status" aria-live="polite" data-testid="matching" data-count={matching?.count ?? ""}>
            {summary.isError ? (
              <span className="text-red-700">The counts could not be loaded: {summary.error.message}</span>
            ) : matching ? (
              matching.count === 0 ? (
                "No records match these filters."
              ) : (
                <>
                  <strong className="tabular-nums">{formatCount(matching.count)}</strong> records match the filters
                  {matching.mapped !== matching.count && <>, {formatCount(matching.mapped)} with coordinates on the map</>}.
                </>
              )
            ) : (
              "Counting…"
            )}
          </p>
          <Legend shown={filters.classifications} counts={summary.data?.categories} onToggle={toggle} />
          <FilterControls filters={filters} onChange={onFiltersChange} sources={sources.data} />
          <VettingList speciesId={s.id} vettingsVersion={s.vettingsVersion} />
          <DistributionPanel speciesId={s.id} sourceVersion={`${s.dataVersion}/${s.vettingsVersion}`} view={distribution} onViewChange={onDistributionChange} />
          <ModelPanel speciesId={s.id} />
          <section aria-labelledby="per-year">
            <h3 id="per-year" className={`${heading} mb-1`}>
              Records per year
            </h3>
            {summary.data ? <YearChart years={summary.data.years} from={filters.yearFrom} to={filters.yearTo} /> : <p className="text-sm text-slate-500">…</p>}
          </section>
          <DownloadLinks speciesId={s.id} filters={filters} count={matching?.count} />
        </>
      )}
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="rounded-md bg-slate-100 px-3 py-2">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {formatCount(value)}
      </dd>
    </div>
  );
}
