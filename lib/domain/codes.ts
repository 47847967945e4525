/**
 * The smallint codes stored in the database, and their names in the API.
 * Append only: the numbers are in every occurrence row.
 */

export const CLASSIFICATIONS = ["known_valid", "assumed_valid", "assumed_invalid", "known_invalid"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Stored code of each classification (1-based, in order of the contract's legend). */
export const classificationCode: Record<Classification, number> = {
  known_valid: 1,
  assumed_valid: 2,
  assumed_invalid: 3,
  known_invalid: 4,
};

export function classificationName(code: number): Classification {
  const name = CLASSIFICATIONS[code - 1];
  if (!name) throw new Error(`unknown classification code ${code}`);
  return name;
}

/** camelCase keys used in counts objects (`counts.knownValid`, tile properties). */
export const classificationKey = {
  known_valid: "knownValid",
  assumed_valid: "assumedValid",
  assumed_invalid: "assumedInvalid",
  known_invalid: "knownInvalid",
} as const satisfies Record<Classification, string>;

export const SOURCES = { ala: 1 } as const;

/** The ALA's duplicateStatus: R representative, D duplicate, U unique; 0 when the source gives none. */
export const DUPLICATE_STATUS = ["", "U", "R", "D"] as const;
export type DuplicateStatus = (typeof DUPLICATE_STATUS)[number];

export function duplicateStatusCode(value: string | null | undefined): number {
  const i = DUPLICATE_STATUS.indexOf((value ?? "").toUpperCase() as DuplicateStatus);
  return i < 0 ? 0 : i;
}

/** Darwin Core basisOfRecord values; the first four are relevant to Edgar. */
export const BASIS_OF_RECORD = [
  "UNKNOWN",
  "HUMAN_OBSERVATION",
  "MACHINE_OBSERVATION",
  "OBSERVATION",
  "OCCURRENCE",
  "PRESERVED_SPECIMEN",
  "FOSSIL_SPECIMEN",
  "LIVING_SPECIMEN",
  "MATERIAL_SAMPLE",
  "MATERIAL_CITATION",
] as const;
export type BasisOfRecord = (typeof BASIS_OF_RECORD)[number];

export const RELEVANT_BASIS_OF_RECORD: ReadonlySet<BasisOfRecord> = new Set([
  "HUMAN_OBSERVATION",
  "MACHINE_OBSERVATION",
  "OBSERVATION",
  "OCCURRENCE",
]);

/** Spellings seen, with what they mean: an import asks for a handful of spellings millions of times. */
const basisBySpelling = new Map<string, BasisOfRecord>();

/** Accepts both `HUMAN_OBSERVATION` and the older `HumanObservation`. */
export function normaliseBasisOfRecord(value: string | null | undefined): BasisOfRecord {
  if (!value) return "UNKNOWN";
  const known = basisBySpelling.get(value);
  if (known !== undefined) return known;
  const upper = value.includes("_") ? value.toUpperCase() : value.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  const basis = (BASIS_OF_RECORD as readonly string[]).includes(upper) ? (upper as BasisOfRecord) : "UNKNOWN";
  // Bounded: a source with free-text values must not grow it without end.
  if (basisBySpelling.size < 1000) basisBySpelling.set(value, basis);
  return basis;
}

export function basisOfRecordCode(value: string | null | undefined): number {
  return BASIS_OF_RECORD.indexOf(normaliseBasisOfRecord(value));
}

/**
 * What kind of range a known-valid vetting's records are (the original Edgar's vetting classes).
 * Stored as 1-based codes in vettings.range_qualifier; append only.
 */
export const RANGE_QUALIFIERS = ["core", "introduced", "vagrant", "irruptive", "historic"] as const;
export type RangeQualifier = (typeof RANGE_QUALIFIERS)[number];

export function rangeQualifierCode(name: RangeQualifier): number {
  return RANGE_QUALIFIERS.indexOf(name) + 1;
}

export function rangeQualifierName(code: number | null): RangeQualifier | null {
  if (code === null) return null;
  const name = RANGE_QUALIFIERS[code - 1];
  if (!name) throw new Error(`unknown range qualifier code ${code}`);
  return name;
}

/** A species' suitability model in the fit queue (species_models.status, lib/suitability). */
export const MODEL_STATUSES = ["queued", "fitting", "ready", "failed", "not_enough_records"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];
export const modelStatusCode: Record<ModelStatus, number> = { queued: 1, fitting: 2, ready: 3, failed: 4, not_enough_records: 5 };
export function modelStatusName(code: number): ModelStatus {
  const name = MODEL_STATUSES[code - 1];
  if (!name) throw new Error(`unknown model status code ${code}`);
  return name;
}
