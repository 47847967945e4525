/**
 * One page of ALA records → rows ready for the upsert, and the skipped ones counted by reason.
 * Skipped records (invalid, irrelevant basis of record, no species id) are never stored.
 */
import { normaliseRecord, normaliseSpeciesGuid, type ImportRow } from "@/lib/ala/normalise";
import type { AlaRecord, InvalidRecord } from "@/lib/ala/schemas";
import { basisOfRecordCode, classificationCode } from "@/lib/domain/codes";
import { isRelevant, rate, type Rule } from "@/lib/ratings/rules";
import type { DatasetIds } from "./datasets";

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

export async function prepareRecords(records: readonly AlaRecord[], invalid: readonly InvalidRecord[], ctx: PrepareContext): Promise<Prepared> {
  const skipped: SkipCounts = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  for (let i = 0; i < invalid.length; i++) skip("invalidRecord");

  const kept: ImportRow[] = [];
  const malformed: Prepared["malformed"] = [];
  for (const record of records) {
    const result = normaliseRecord(record);
    if (!result.ok) {
      skip(result.reason);
      const guid = normaliseSpeciesGuid(record.speciesGuid ?? record.speciesID);
      if (result.reason === "invalidUuid" && guid) malformed.push({ guid, id: record.uuid });
      continue;
    }
    const relevance = isRelevant(result.row);
    if (!relevance.relevant) {
      skip(relevance.reason);
      continue;
    }
    kept.push(result.row);
  }

  await ctx.datasets.resolve(kept.flatMap((r) => (r.dataset ? [r.dataset] : [])));
  const rows: StagedRow[] = [];
  const images = ctx.images ?? true;
  for (const r of kept) {
    const speciesId = ctx.species.get(r.speciesGuid) ?? (await ctx.species.resolve(r.speciesGuid, r));
    if (speciesId === null) {
      skip("unmatchedName");
      continue;
    }
    rows.push({
      sourceId: r.sourceId,
      speciesId,
      datasetId: r.dataset ? ctx.datasets.get(r.dataset.uid)! : null,
      lat: r.lat,
      lon: r.lon,
      uncertaintyM: r.uncertaintyM,
      eventDate: r.eventDate,
      year: r.year,
      basisOfRecord: basisOfRecordCode(r.basisOfRecord),
      assertions: r.assertions,
      sensitive: r.sensitive,
      duplicateStatus: r.duplicateStatus,
      rating: classificationCode[rate(r, ctx.rules).rating],
      sourceLoadedAt: r.sourceLoadedAt,
      imageId: images ? (r.image?.imageId ?? null) : null,
      accurate: r.sensitive ? r.accurate : null,
    });
  }
  return { rows, skipped, malformed };
}
