import { filterParams, type ViewFilters } from "@/lib/species/view-state";
import { formatCount } from "./format";

interface Props {
  speciesId: number;
  filters: ViewFilters;
  /** Records the download will hold (the panel's matching count), when known. */
  count: number | undefined;
}

/** CSV and GeoJSON of the records under the current filters: plain links, so the browser streams them to disk. */
export function DownloadLinks({ speciesId, filters, count }: Props) {
  const href = (format: "csv" | "geojson") => {
    const params = filterParams(filters);
    params.set("format", format);
    return `/api/species/${speciesId}/occurrences?${params}`;
  };
  const what = count === undefined ? "the records shown" : `${formatCount(count)} records`;
  const link =
    "inline-flex flex-1 items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-700";
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Download</h3>
      <div className="flex gap-2">
        <a href={href("csv")} download className={link} aria-label={`Download ${what} as CSV`}>
          CSV
        </a>
        <a href={href("geojson")} download className={link} aria-label={`Download ${what} as GeoJSON`}>
          GeoJSON
        </a>
      </div>
      <p className="mt-1 text-xs text-slate-500">Darwin Core columns, with the current filters. Sensitive species at their generalised positions.</p>
    </div>
  );
}
