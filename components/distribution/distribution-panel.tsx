"use client";

import { formatAgo, formatCount, formatDateTime } from "@/components/species/format";
import { productUrl, useDistribution, type DistributionAnswer, type DistributionView } from "./api";
import { CRITERION_B, thresholdBelow } from "@/lib/distribution/criteria";

interface Props {
  speciesId: number;
  /** Changes with the species' data version and vettings: the products are asked for again. */
  sourceVersion: string | undefined;
  view: DistributionView;
  onViewChange: (view: DistributionView) => void;
}

const heading = "text-xs font-semibold uppercase tracking-wide text-slate-500";
const productHref = (speciesId: number, product: "range" | "cells", includeContentious: boolean) => `${productUrl(speciesId, product, includeContentious)}&download=1`;
const km2 = (v: number) => `${formatCount(Math.round(v))} km²`;

/** The species' range products: EOO and AOO with criterion B context, the records used, when built, downloads. */
export function DistributionPanel({ speciesId, sourceVersion, view, onViewChange }: Props) {
  const distribution = useDistribution(speciesId, view.includeContentious, sourceVersion);
  const d = distribution.data;
  return (
    <section aria-labelledby="distribution" data-testid="distribution-panel" data-pending={d?.pending ?? ""} data-built-at={d?.builtAt ?? ""}>
      <h3 id="distribution" className={`${heading} mb-1`}>
        Distribution
      </h3>
      {distribution.isError ? (
        <p className="text-sm text-red-700">The distribution could not be loaded: {distribution.error.message}</p>
      ) : !d ? (
        <p className="text-sm text-slate-500">…</p>
      ) : (
        <Figures d={d} />
      )}
      {d?.pending && (
        <p role="status" className="mt-1 rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="distribution-pending">
          Updating after the latest vettings…
        </p>
      )}
      <label className="mt-2 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={view.includeContentious} onChange={(e) => onViewChange({ ...view, includeContentious: e.target.checked })} />
        Include contentious records
      </label>
      <p className="mt-2 text-xs text-slate-500">
        Download as GeoJSON, with the figures and settings:{" "}
        <a className="text-sky-800 underline" download href={productHref(speciesId, "range", view.includeContentious)}>
          range
        </a>
        ,{" "}
        <a className="text-sky-800 underline" download href={productHref(speciesId, "cells", view.includeContentious)}>
          occupancy cells
        </a>
        .
      </p>
    </section>
  );
}

function Figure(p: { label: string; title: string; testId: string; km2: number | undefined; missing: string }) {
  return (
    <div className="rounded-md bg-slate-100 px-3 py-2">
      <dt className="text-xs text-slate-600" title={p.title}>
        {p.label}
      </dt>
      <dd className="font-semibold tabular-nums" data-testid={p.testId} data-km2={p.km2 ?? ""}>
        {p.km2 === undefined ? p.missing : km2(p.km2)}
      </dd>
    </div>
  );
}

function Figures({ d }: { d: DistributionAnswer }) {
  const hull = d.range.features.find((f) => f.properties?.kind === "alpha-hull");
  return (
    <div className="grid gap-1 text-sm">
      <dl className="grid grid-cols-2 gap-2">
        <Figure label="Extent of occurrence" title="Extent of occurrence: the area of the smallest convex polygon around the records" testId="distribution-eoo" km2={d.eoo?.km2} missing="not computable" />
        <Figure label="Area of occupancy" title="Area of occupancy: occupied grid cells times their area" testId="distribution-aoo" km2={d.aoo?.km2} missing="—" />
      </dl>
      {d.notComputable && <p className="text-xs text-slate-600">{d.notComputable}</p>}
      {d.aoo && (
        <p className="text-xs text-slate-600">
          {formatCount(d.aoo.cells)} occupied {d.aoo.cellKm} × {d.aoo.cellKm} km cells (fewest over four grid offsets).
        </p>
      )}
      <Context d={d} />
      <p className="text-xs text-slate-600" data-testid="distribution-records" data-count={d.recordsUsed}>
        From {formatCount(d.recordsUsed)} records (known and assumed valid{d.includeContentious ? ", contentious included" : ", not contentious"}; vagrant and historic left out).
        {hull && ` Range outline: alpha hull, α = ${d.alpha?.value}, holding ${Math.round((d.alpha?.shareInside ?? 0) * 100)} % of them.`}
        {d.builtAt && (
          <>
            {" "}
            Rebuilt{" "}
            <time dateTime={d.builtAt} title={formatDateTime(d.builtAt)}>
              {formatAgo(d.builtAt)}
            </time>
            .
          </>
        )}
      </p>
      {d.snappedToDegrees !== null && (
        <p className="text-xs text-slate-600">Sensitive species: outlines and cells are drawn on its {d.snappedToDegrees}° generalisation grid; the figures use the accurate positions.</p>
      )}
    </div>
  );
}

/** Where the figures fall against criterion B's thresholds, said as context and not as an assessment. */
function Context({ d }: { d: DistributionAnswer }) {
  if (!d.eoo && !d.aoo) return null;
  const line = (label: string, measure: "eoo" | "aoo", value: number) => {
    const t = thresholdBelow(measure, value);
    const limits = CRITERION_B[measure].map((x) => `${x.category.split(" ").map((w) => w[0]).join("")} < ${formatCount(x.below)}`).join(", ");
    return (
      <li>
        {label}: {t ? `under the ${t.category} threshold (${formatCount(t.below)} km²)` : "above every threshold"} ({limits} km²)
      </li>
    );
  };
  return (
    <div className="text-xs text-slate-600" data-testid="distribution-context">
      <p>IUCN criterion B thresholds, for context:</p>
      <ul className="ml-4 list-disc">
        {d.eoo && line("EOO (B1)", "eoo", d.eoo.km2)}
        {d.aoo && line("AOO (B2)", "aoo", d.aoo.km2)}
      </ul>
      <p className="mt-1">This is not a Red List assessment: that also needs the subcriteria (few locations or fragmentation, continuing decline, extreme fluctuations) and an assessor&apos;s judgement.</p>
    </div>
  );
}
