"use client";

import { CLASSIFICATIONS, classificationKey } from "@/lib/domain/codes";
import { CATEGORY_COLOURS, CATEGORY_LABELS } from "@/lib/domain/colours";
import type { SpeciesSummary } from "@/lib/species/summary";
import { formatCount } from "./format";

interface Props {
  years: SpeciesSummary["years"];
  /** The year filter, drawn as a highlighted band. */
  from: number | null;
  to: number | null;
}

const W = 320;
const H = 110;
const PAD = { left: 34, right: 6, top: 6, bottom: 18 };

/** Records per year, stacked by category: a small SVG bar chart, with a table for screen readers. */
export function YearChart({ years, from, to }: Props) {
  if (years.length === 0) return <p className="text-sm text-slate-600">No dated records under these filters.</p>;
  const first = years[0].year;
  const last = years[years.length - 1].year;
  const span = last - first + 1;
  const totals = years.map((y) => CLASSIFICATIONS.reduce((n, c) => n + y[classificationKey[c]], 0));
  const max = Math.max(...totals, 1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (year: number) => PAD.left + ((year - first) / span) * plotW;
  const barW = Math.max(1, plotW / span - (span < 60 ? 1 : 0));
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const bandFrom = Math.max(from ?? first, first);
  const bandTo = Math.min(to ?? last, last);

  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-labelledby="year-chart-title" data-testid="year-chart">
        <title id="year-chart-title">{`Records per year from ${first} to ${last}, by category`}</title>
        {(from !== null || to !== null) && bandFrom <= bandTo && (
          <rect x={x(bandFrom)} y={PAD.top} width={x(bandTo + 1) - x(bandFrom)} height={plotH} fill="#e0f2fe" />
        )}
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="#94a3b8" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" fontSize="9" fill="#475569">
          {formatCount(max)}
        </text>
        <text x={PAD.left - 4} y={PAD.top + plotH} textAnchor="end" fontSize="9" fill="#475569">
          0
        </text>
        <text x={PAD.left} y={H - 4} fontSize="9" fill="#475569">
          {first}
        </text>
        <text x={W - PAD.right} y={H - 4} textAnchor="end" fontSize="9" fill="#475569">
          {last}
        </text>
        {years.map((row, i) => {
          let base = 0;
          return (
            <g key={row.year}>
              <title>{`${row.year}: ${formatCount(totals[i])} records`}</title>
              {CLASSIFICATIONS.map((c) => {
                const n = row[classificationKey[c]];
                if (n === 0) return null;
                const rect = <rect key={c} x={x(row.year)} width={barW} y={y(base + n)} height={y(base) - y(base + n)} fill={CATEGORY_COLOURS[c]} />;
                base += n;
                return rect;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">
        <table>
          <caption>Records per year by category</caption>
          <thead>
            <tr>
              <th scope="col">Year</th>
              {CLASSIFICATIONS.map((c) => (
                <th key={c} scope="col">
                  {CATEGORY_LABELS[c]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {years.map((row) => (
              <tr key={row.year}>
                <th scope="row">{row.year}</th>
                {CLASSIFICATIONS.map((c) => (
                  <td key={c}>{row[classificationKey[c]]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
