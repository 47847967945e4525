/**
 * One Darwin Core record (terms → values, as a DwC-A core row or a GBIF SIMPLE_CSV row) → a row
 * for the writer, a skip with its reason, or a problem that makes the row broken. The rules and
 * normalisation are the ALA import's (lib/ratings/rules.ts, lib/domain/codes.ts).
 */
import { createHash } from "node:crypto";
import { cleanText, type ImportRow } from "@/lib/ala/normalise";
import { basisOfRecordCode, classificationCode, normaliseBasisOfRecord } from "@/lib/domain/codes";
import { isRelevant, rate, type Rule } from "@/lib/ratings/rules";
import type { StagedRow } from "@/lib/sync/prepare";
import type { SpeciesMatcher } from "./species-match";

export type Terms = (term: string) => string | null;

export type RecordResult =
  | { kind: "row"; row: StagedRow; dataset: { uid: string; name: string | null; providerName: string | null; license: string | null } | null }
  | { kind: "skip"; reason: "basisOfRecord" | "notBird" | "unmatchedName" }
  | { kind: "broken"; message: string };

// A fixed namespace: the same occurrenceID gives the same uuid in every source (RFC 4122 v5).
const NAMESPACE = Buffer.from("6f1c3c3e4a5b4d7e9a0b1c2d3e4f5a6b", "hex");

/** Name-based (v5) uuid of a source's record id: occurrences.source_id is a uuid column. */
export function recordUuid(id: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(id, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function number(terms: Terms, term: string, min: number, max: number): { value: number | null } | { error: string } {
  const raw = terms(term);
  if (raw === null) return { value: null };
  const v = Number(raw);
  if (!Number.isFinite(v)) return { error: `${term} "${raw.slice(0, 40)}" is not a number` };
  if (v < min || v > max) return { error: `${term} ${v} is outside ${min}…${max}` };
  return { value: v };
}

/** yyyy-mm-dd of an ISO 8601 date, date-time or interval (its start); null for year/month only. */
function parseDate(raw: string): { date: string | null; year: number } | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][^/]*)?(?:\/.*)?$/.exec(raw.trim());
  if (!m) return null;
  const year = Number(m[1]);
  if (!m[3]) return { date: null, year };
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m[3])) return null;
  return { date: `${m[1]}-${m[2]}-${m[3]}`, year };
}

export interface RecordContext {
  species: SpeciesMatcher;
  rules: readonly Rule[];
  /** The dataset rows without a datasetID belong to (the archive's own, from eml.xml). */
  defaultDataset: { uid: string; name: string | null; providerName: string | null; license: string | null };
  /**
   * The record's identity in its source, when it is not its occurrenceID: GBIF keys records by
   * gbifID, and two of its datasets may share an occurrenceID. Default: the occurrenceID.
   */
  sourceKey?: (terms: Terms, id: string | null) => string | null;
}

export function readRecord(terms: Terms, id: string | null, ctx: RecordContext): RecordResult {
  const key = cleanText(terms("occurrenceID") ?? id ?? undefined, 200);
  if (!key) return { kind: "broken", message: "the record has no occurrenceID" };
  const lat = number(terms, "decimalLatitude", -90, 90);
  if ("error" in lat) return { kind: "broken", message: lat.error };
  const lon = number(terms, "decimalLongitude", -180, 180);
  if ("error" in lon) return { kind: "broken", message: lon.error };
  if ((lat.value === null) !== (lon.value === null)) return { kind: "broken", message: "the record has only one of decimalLatitude and decimalLongitude" };
  const uncertainty = number(terms, "coordinateUncertaintyInMeters", 0, 1e8);
  if ("error" in uncertainty) return { kind: "broken", message: uncertainty.error };
  let eventDate: string | null = null;
  let year: number | null = null;
  const rawDate = terms("eventDate");
  if (rawDate !== null) {
    const parsed = parseDate(rawDate);
    if (!parsed) return { kind: "broken", message: `eventDate "${rawDate.slice(0, 40)}" is not an ISO 8601 date` };
    eventDate = parsed.date;
    year = parsed.year;
  }
  const rawYear = terms("year");
  if (year === null && rawYear !== null) {
    const y = Number(rawYear);
    if (!Number.isInteger(y) || y < 1000 || y > 9999) return { kind: "broken", message: `year "${rawYear.slice(0, 20)}" is not a year` };
    year = y;
  }

  const basisOfRecord = normaliseBasisOfRecord(terms("basisOfRecord"));
  // A record that says nothing of its basis is taken as an observation, as most checklists mean.
  const basis = basisOfRecord === "UNKNOWN" && terms("basisOfRecord") === null ? "OCCURRENCE" : basisOfRecord;
  if (!isRelevant({ basisOfRecord: basis }).relevant) return { kind: "skip", reason: "basisOfRecord" };
  const cls = terms("class");
  const kingdom = terms("kingdom");
  if ((cls !== null && cls.trim().toLowerCase() !== "aves") || (kingdom !== null && kingdom.trim().toLowerCase() !== "animalia")) {
    return { kind: "skip", reason: "notBird" };
  }
  const speciesId = ctx.species.match([terms("taxonConceptID"), terms("taxonID"), terms("speciesID")], terms("scientificName"));
  if (speciesId === null) return { kind: "skip", reason: "unmatchedName" };

  const datasetId = cleanText(terms("datasetID") ?? undefined, 200);
  const license = cleanText(terms("license") ?? undefined, 200);
  const dataset = datasetId
    ? { uid: datasetId, name: cleanText(terms("datasetName") ?? undefined, 500), providerName: cleanText(terms("institutionCode") ?? undefined, 300), license: license ?? ctx.defaultDataset.license }
    : { ...ctx.defaultDataset, license: license ?? ctx.defaultDataset.license };
  const sensitive = terms("dataGeneralizations") !== null || terms("informationWithheld") !== null;
  const rating: Pick<ImportRow, "lat" | "lon" | "uncertaintyM" | "assertions" | "spatiallyValid" | "year" | "userFlagged" | "basisOfRecord"> = {
    lat: lat.value,
    lon: lon.value,
    uncertaintyM: uncertainty.value,
    assertions: 0n,
    spatiallyValid: null,
    year,
    userFlagged: false,
    basisOfRecord: basis,
  };
  const modified = terms("modified");
  const loaded = modified ? new Date(modified) : null;
  return {
    kind: "row",
    dataset,
    row: {
      sourceId: recordUuid(ctx.sourceKey?.(terms, id) ?? key),
      speciesId,
      datasetId: null,
      lat: lat.value,
      lon: lon.value,
      uncertaintyM: uncertainty.value,
      eventDate,
      year,
      basisOfRecord: basisOfRecordCode(basis),
      assertions: 0n,
      sensitive,
      duplicateStatus: 0,
      rating: classificationCode[rate(rating, ctx.rules).rating],
      sourceLoadedAt: loaded && !Number.isNaN(loaded.getTime()) ? loaded : null,
      imageId: null,
      accurate: null,
      occurrenceKey: key,
    },
  };
}
