/**
 * One page of ALA records → rows ready for the upsert, and the skipped ones counted by reason.
 * Skipped records (invalid, irrelevant basis of record, no species id) are never stored.
 */
import { normaliseRecord, normaliseSpeciesGuid, type ImportRow } from "@/lib/ala/normalise";
import type { AlaRecord, InvalidRecord } from "@/lib/ala/schemas";
import { basisOfRecordCode, classificationCode } from "@/lib/domain/codes";
import { isRelevant, type Rule } from "@/lib/ratings/rules";
import type { DatasetIds } from "./datasets";

const ASSUMED_VALID = classificationCode.assumed_valid;
const ASSUMED_INVALID = classificationCode.assumed_invalid;

export interface StagedRow {
  sourceId: string;
  speciesId: number;
  datasetId: number | null;
  lat: number | null;
  lon: number | null;
  uncertaintyM: number | null;
  eventDate: string | null;
  year: number | null;
  basisOfRecord: number;
  assertions: bigint;
  sensitive: boolean;
  duplicateStatus: number;
  rating: number;
  sourceLoadedAt: Date | null;
  imageId: string | null;
  /** Accurate position of a sensitive record: stored apart, never logged or served. */
  accurate: { lat: number; lon: number } | null;
  /** The source's own occurrenceID where it differs from sourceId (other sources than the ALA). */
  occurrenceKey?: string | null;
}

/** Why records were skipped: invalidRecord (unparsable), invalidUuid, missingSpeciesId, basisOfRecord. */
export type SkipCounts = Record<string, number>;

/**
 * Species of records by their species id. The ALA's (SpeciesIds) creates a species on first
 * sight; another atlas's (lib/sources/living-atlas/species.ts) matches one or none: null, and the
 * record is skipped and counted (`unmatchedName`).
 */
export interface RecordSpecies {
  get(guid: string): number | null | undefined;
  resolve(guid: string, names: { scientificName: string | null; commonName: string | null }): Promise<number | null>;
}

export interface PrepareContext {
  species: RecordSpecies;
  datasets: DatasetIds;
  rules: readonly Rule[];
  /** Keep the records' image ids (the ALA's only: image URLs are built on ALA_IMAGES_URL). Default true. */
  images?: boolean;
}

export interface Prepared {
  rows: StagedRow[];
  skipped: SkipCounts;
  /** Records of a known species that could not be read (their species' count check allows for them). */
  malformed: { guid: string; id: string }[];
}

/**
 * One record → its import row, or null with the reason counted in `skipped` (and, for a record
 * of a known species that cannot be read, its id in `malformed`). Shared by search pages and the
 * download thread (lib/sync/download-thread.ts).
 */
export function keepRecord(record: AlaRecord, skipped: SkipCounts, malformed: Prepared["malformed"]): ImportRow | null {
  const result = normaliseRecord(record);
  if (!result.ok) {
    skipped[result.reason] = (skipped[result.reason] ?? 0) + 1;
    const guid = normaliseSpeciesGuid(record.speciesGuid ?? record.speciesID);
    if (result.reason === "invalidUuid" && guid) malformed.push({ guid, id: record.uuid });
    return null;
  }
  const relevance = isRelevant(result.row);
  if (!relevance.relevant) {
    skipped[relevance.reason] = (skipped[relevance.reason] ?? 0) + 1;
    return null;
  }
  return result.row;
}

/** A kept row with its species and dataset ids → the row the upsert stages, rated. */
export function stageRow(r: ImportRow, speciesId: number, datasetId: number | null, rules: readonly Rule[], images = true): StagedRow {
  return {
    sourceId: r.sourceId,
    speciesId,
    datasetId,
    lat: r.lat,
    lon: r.lon,
    uncertaintyM: r.uncertaintyM,
    eventDate: r.eventDate,
    year: r.year,
    basisOfRecord: basisOfRecordCode(r.basisOfRecord),
    assertions: r.assertions,
    sensitive: r.sensitive,
    duplicateStatus: r.duplicateStatus,
    // rate()'s verdict without listing the rules that fired: this runs once per imported record.
    rating: rules.some((rule) => rule.fires(r)) ? ASSUMED_INVALID : ASSUMED_VALID,
    sourceLoadedAt: r.sourceLoadedAt,
    imageId: images ? (r.image?.imageId ?? null) : null,
    accurate: r.sensitive ? r.accurate : null,
  };
}

export async function prepareRecords(records: readonly AlaRecord[], invalid: readonly InvalidRecord[], ctx: PrepareContext): Promise<Prepared> {
  const skipped: SkipCounts = {};
  if (invalid.length) skipped.invalidRecord = invalid.length;
  const malformed: Prepared["malformed"] = [];
  const kept: ImportRow[] = [];
  for (const record of records) {
    const row = keepRecord(record, skipped, malformed);
    if (row) kept.push(row);
  }

  await ctx.datasets.resolve(kept.flatMap((r) => (r.dataset ? [r.dataset] : [])));
  const rows: StagedRow[] = [];
  const images = ctx.images ?? true;
  for (const r of kept) {
    const speciesId = ctx.species.get(r.speciesGuid) ?? (await ctx.species.resolve(r.speciesGuid, r));
    if (speciesId === null) {
      skipped.unmatchedName = (skipped.unmatchedName ?? 0) + 1;
      continue;
    }
    rows.push(stageRow(r, speciesId, r.dataset ? ctx.datasets.get(r.dataset.uid)! : null, ctx.rules, images));
  }
  return { rows, skipped, malformed };
}
