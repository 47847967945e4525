/**
 * The map page's state in its URL, so a view can be shared and survives a reload:
 * `/species/{id}?map=zoom/lat/lon&years=1990-2020&classifications=known_valid,assumed_valid&duplicates=show`.
 * The filter parameters are the tiles' own (lib/tiles/filters.ts), so the same query string
 * also selects tiles, the panel's counts and downloads. Only values differing from the defaults
 * are written. Parsing is lenient: a hand-edited URL falls back to defaults instead of failing.
 */
import { CLASSIFICATIONS, type Classification } from "@/lib/domain/codes";

export interface ViewFilters {
  yearFrom: number | null;
  yearTo: number | null;
  /** In legend order. */
  classifications: Classification[];
  duplicates: "hide" | "show";
  /** Ids of the sources shown (docs/sources.md); null: every source. */
  sources: number[] | null;
}

export interface MapPosition {
  zoom: number;
  lat: number;
  lon: number;
}

export interface ViewState {
  filters: ViewFilters;
  map: MapPosition | null;
}

export const DEFAULT_VIEW_FILTERS: ViewFilters = { yearFrom: null, yearTo: null, classifications: [...CLASSIFICATIONS], duplicates: "hide", sources: null };

const isYear = (v: number) => Number.isInteger(v) && v >= 1000 && v <= 9999;

function parseYears(params: URLSearchParams): [number | null, number | null] {
  const range = /^(\d{4})-(\d{4})$/.exec(params.get("years") ?? "");
  const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(params.get("yearFrom") ?? NaN), Number(params.get("yearTo") ?? NaN)];
  const yearFrom = isYear(from) ? from : null;
  const yearTo = isYear(to) ? to : null;
  return yearFrom !== null && yearTo !== null && yearFrom > yearTo ? [null, null] : [yearFrom, yearTo];
}

export function parseViewState(params: URLSearchParams): ViewState {
  const [yearFrom, yearTo] = parseYears(params);
  const listed = params.get("classifications");
  const classifications =
    listed === null ? [...CLASSIFICATIONS] : CLASSIFICATIONS.filter((c) => listed.split(",").map((s) => s.trim()).includes(c));
  const [zoom, lat, lon] = (params.get("map") ?? "").split("/").map((v) => (v.trim() === "" ? NaN : Number(v)));
  const map = zoom >= 0 && zoom <= 22 && lat >= -85.06 && lat <= 85.06 && lon >= -180 && lon <= 180 ? { zoom, lat, lon } : null;
  const listedSources = params.get("sources");
  const sources =
    listedSources === null
      ? null
      : [...new Set(listedSources.split(",").filter((v) => /^\d{1,5}$/.test(v.trim())).map(Number).filter((n) => n >= 1))].sort((a, b) => a - b);
  return { filters: { yearFrom, yearTo, classifications, duplicates: params.get("duplicates") === "show" ? "show" : "hide", sources }, map };
}

/** The filters as tile / summary / download query parameters (defaults left out). */
export function filterParams(f: ViewFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (f.yearFrom !== null && f.yearTo !== null) params.set("years", `${f.yearFrom}-${f.yearTo}`);
  else if (f.yearFrom !== null) params.set("yearFrom", String(f.yearFrom));
  else if (f.yearTo !== null) params.set("yearTo", String(f.yearTo));
  if (f.classifications.length !== CLASSIFICATIONS.length) params.set("classifications", f.classifications.join(","));
  if (f.duplicates !== "hide") params.set("duplicates", f.duplicates);
  if (f.sources !== null) params.set("sources", f.sources.join(","));
  return params;
}

/** The parameters the view owns; others (another feature's, e.g. `vetting=`) are kept as they are. */
const VIEW_PARAMS = ["map", "years", "yearFrom", "yearTo", "classifications", "duplicates", "sources"];

/** The page's query string (without "?"): map position, then filters, then `others` not the view's. */
export function viewQuery({ filters, map }: ViewState, others?: URLSearchParams): string {
  const params = new URLSearchParams();
  if (map) params.set("map", `${map.zoom.toFixed(2)}/${map.lat.toFixed(4)}/${map.lon.toFixed(4)}`);
  for (const [k, v] of filterParams(filters)) params.set(k, v);
  for (const [k, v] of others ?? []) if (!VIEW_PARAMS.includes(k)) params.append(k, v);
  // Commas and slashes are safe in a query; keeping them readable makes the URL shareable by eye.
  return params.toString().replace(/%2C/g, ",").replace(/%2F/g, "/");
}
