import { Columns, DUP, FLAG } from "./columns";
import { onLand, stateOf } from "./geo";
import { hash2 } from "./prng";
import { DATA_RESOURCES } from "./resources";
import type { Species } from "./taxa";
import { A, ASSERTION_KINDS, assertionNames, USER_ASSERTION_STATUS } from "./vocab";

/**
 * Record attributes computed from the columns, shared by the record JSON, the query fields and the
 * ground truth so the three always agree.
 */

/** Fatal geospatial kinds visible in each style (pipelines reports outliers via outlierLayerCount only). */
const INVALID_MASK = {
  legacy: ASSERTION_KINDS.reduce((m, k, i) => (k.geospatial && k.fatal && k.legacy ? m | (1 << i) : m), 0),
  current: ASSERTION_KINDS.reduce((m, k, i) => (k.geospatial && k.fatal && k.current ? m | (1 << i) : m), 0),
};

export interface RecordView {
  readonly cols: Columns;
  readonly species: readonly Species[];
  readonly seed: number;
}

export function isLegacy(w: RecordView, i: number): boolean {
  return DATA_RESOURCES[w.cols.resource[i]].legacyCodes;
}

export function assertionList(w: RecordView, i: number): string[] {
  return assertionNames(w.cols.assertions[i], isLegacy(w, i));
}

export function hasCoordinates(w: RecordView, i: number): boolean {
  return w.cols.hasCoordinates(i);
}

/** undefined when the record has no coordinates (the ALA leaves the field out). */
export function spatiallyValid(w: RecordView, i: number): boolean | undefined {
  if (!hasCoordinates(w, i)) return undefined;
  return (w.cols.assertions[i] & (isLegacy(w, i) ? INVALID_MASK.legacy : INVALID_MASK.current)) === 0;
}

export function sensitive(w: RecordView, i: number): "generalised" | "alreadyGeneralised" | undefined {
  if (w.species[w.cols.species[i]].generaliseDecimals === null) return undefined;
  return w.cols.flags[i] & FLAG.ALREADY_GENERALISED ? "alreadyGeneralised" : "generalised";
}

export function generalisationMetres(w: RecordView, i: number): number | undefined {
  const d = w.species[w.cols.species[i]].generaliseDecimals;
  return d === null ? undefined : d === 0 ? 100000 : 10000;
}

export function stateProvince(w: RecordView, i: number): string | undefined {
  const lat = w.cols.lat(i);
  const lon = w.cols.lon(i);
  return Number.isNaN(lat) || !onLand(lat, lon) ? undefined : stateOf(lat, lon);
}

/** Epoch ms of the event (UTC midnight), undefined without a full date. */
export function eventDate(w: RecordView, i: number): number | undefined {
  const c = w.cols;
  if (!c.year[i] || !c.month[i]) return undefined;
  return Date.UTC(c.year[i], c.month[i] - 1, c.day[i] || 1);
}

export function monthString(w: RecordView, i: number): string | undefined {
  const m = w.cols.month[i];
  return m ? String(m).padStart(2, "0") : undefined;
}

export function duplicateStatus(w: RecordView, i: number): string | undefined {
  return DUP[w.cols.dup[i]] || undefined;
}

export function outlierLayerCount(w: RecordView, i: number): number | undefined {
  return w.cols.assertions[i] & A.detectedOutlier ? 3 + (hash2(w.seed, i) % 4) : undefined;
}

export function userAssertionStatus(w: RecordView, i: number): string | undefined {
  return w.cols.flags[i] & FLAG.USER_ASSERTION ? USER_ASSERTION_STATUS[hash2(w.seed ^ 0x77, i) % USER_ASSERTION_STATUS.length] : undefined;
}

export function multimedia(w: RecordView, i: number): string[] | undefined {
  return w.cols.imageCount(i) > 0 ? ["Image"] : undefined;
}
