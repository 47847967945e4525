/**
 * zod schemas of the biocache and images services' answers. Envelopes (page, facets, …) are
 * parsed strictly: a wrong envelope means a broken answer, worth a retry. Records are parsed
 * leniently, one by one: a bad record is returned with its reason (the sync counts it as
 * skipped) and never fails its page.
 */
import { z } from "zod";

// Tolerant scalar readers: the ALA sends numbers as strings, single values instead of lists,
// "true" for true. Anything unusable becomes undefined rather than an error.

function readNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function readString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

function readStringList(v: unknown): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return items
    .filter((x): x is string | number => typeof x === "string" || typeof x === "number")
    .map(String)
    .filter((s) => s.trim() !== "");
}

function readBoolean(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true") return true;
    if (s === "false") return false;
  }
  return undefined;
}

/** Epoch milliseconds (number or digits) stay a number; other strings stay as given (ISO). */
function readEpochOrIso(v: unknown): number | string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "") return /^-?\d{9,}$/.test(v.trim()) ? Number(v.trim()) : v.trim();
  return undefined;
}

/**
 * One occurrence as the search answer (or a download's row) gives it (docs/ala-api.md, "Fields"):
 * every field but uuid is optional, and each is read by its tolerant reader. A table of readers
 * rather than a zod object: zod's per-field transforms cost about 20 µs a record (measured on
 * download rows), a sixth of the importer's whole budget, and a download holds millions.
 */
const RECORD_FIELDS = {
  occurrenceID: readString,
  scientificName: readString,
  vernacularName: readString,
  taxonConceptID: readString,
  speciesGuid: readString,
  speciesID: readString,
  species: readString,
  genus: readString,
  family: readString,
  classs: readString,
  decimalLatitude: readNumber,
  decimalLongitude: readNumber,
  coordinateUncertaintyInMeters: readNumber,
  eventDate: readEpochOrIso,
  year: readNumber,
  month: readNumber,
  basisOfRecord: readString,
  raw_basisOfRecord: readString,
  dataResourceUid: readString,
  dataResourceName: readString,
  dataProviderUid: readString,
  dataProviderName: readString,
  collectors: readStringList,
  stateProvince: readString,
  assertions: readStringList,
  userAssertions: readStringList,
  user_assertions: readStringList,
  spatiallyValid: readBoolean,
  geospatialKosher: readBoolean,
  duplicateStatus: readString,
  duplicate_status: readString,
  sensitive: readString,
  license: readString,
  image: readString,
  images: readStringList,
  imageUrl: readString,
  thumbnailUrl: readString,
  lastLoadDate: readEpochOrIso,
  dateLastModified: readEpochOrIso,
  firstLoadedDate: readEpochOrIso,
} as const;
type RecordFields = typeof RECORD_FIELDS;
const RECORD_KEYS = Object.keys(RECORD_FIELDS) as (keyof RecordFields)[];

export type AlaRecord = { uuid: string } & { [K in keyof RecordFields]: ReturnType<RecordFields[K]> };

export interface InvalidRecord {
  /** Position in the page. */
  index: number;
  uuid?: string;
  reason: string;
}

export const searchPageSchema = z.object({
  totalRecords: z.number().int().min(0),
  pageSize: z.number().int().min(0),
  startIndex: z.number().int().min(0),
  sort: z.string().optional(),
  dir: z.string().optional(),
  status: z.string().optional().refine((s) => s === undefined || s === "OK", "status is not OK"),
  // Records are parsed one by one below.
  occurrences: z.array(z.unknown()).default([]),
});

export interface SearchPage {
  totalRecords: number;
  pageSize: number;
  startIndex: number;
  /** Records as received (valid + invalid), for short-page detection. */
  received: number;
  records: AlaRecord[];
  invalid: InvalidRecord[];
}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

type Reader = (v: unknown) => unknown;
const LIST_KEYS = new Set(RECORD_KEYS.filter((k) => RECORD_FIELDS[k] === readStringList));

// Lists a record does not have share one frozen empty array: five fewer objects per record, and
// nothing writes to a record's lists.
const NONE: readonly string[] = Object.freeze([]);

/**
 * A record with every field present and unset, made by one object literal generated from the
 * field table: all records share one hidden class and are built whole, not grown key by key, and
 * a literal is faster than spreading a template object (docs/performance.md; a download holds
 * millions).
 * The keys are the table's own identifiers, nothing from outside.
 */
const newRecord = new Function(
  "NONE",
  `return (uuid) => ({ ${RECORD_KEYS.map((k) => `${k}: ${LIST_KEYS.has(k) ? "NONE" : "undefined"}`).join(", ")}, uuid });`,
)(NONE) as (uuid: string) => Record<string, unknown>;

/** Parses one record leniently: the record or the reason it is unusable. */
export function parseRecord(value: unknown): { ok: true; record: AlaRecord } | { ok: false; reason: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not a record (an object was expected)" };
  const v = value as Record<string, unknown>;
  if (typeof v.uuid !== "string") return { ok: false, reason: "uuid: missing uuid" };
  const record = newRecord(v.uuid);
  for (const key in v) {
    const read: Reader | undefined = Object.hasOwn(RECORD_FIELDS, key) ? RECORD_FIELDS[key as keyof RecordFields] : undefined;
    if (read) record[key] = read(v[key]);
  }
  return { ok: true, record: record as AlaRecord };
}

/** Where a download row's cells go: the column's position, its record field and reader. */
export interface RowColumn {
  index: number;
  key: string;
  /** Multi-valued: ProcessDownload joins the values with " | ". */
  multi: boolean;
}

/**
 * Builds the reader of a download's rows for its columns (lib/ala/download-columns maps the
 * headings): each row becomes a record like parseRecord's, with no object in between. Empty
 * cells are absent values.
 */
export function rowReader(columns: readonly RowColumn[]): (row: readonly string[]) => { ok: true; record: AlaRecord } | { ok: false; reason: string } {
  const id = columns.find((c) => c.key === "uuid");
  if (!id) throw new Error("a download's columns must include the record id");
  const byKey = new Map<string, RowColumn>();
  for (const c of columns) {
    if (c === id) continue;
    if (!Object.hasOwn(RECORD_FIELDS, c.key)) throw new Error(`no record field ${c.key}`);
    byKey.set(c.key, c);
  }
  // One object literal generated for these columns, as newRecord is for none: a store per cell
  // under a key that changes from cell to cell is a megamorphic keyed store. The source holds only
  // the field table's identifiers and the columns' positions (integers), nothing from outside.
  const readers = RECORD_KEYS.map((k) => RECORD_FIELDS[k] as Reader);
  const fields = RECORD_KEYS.map((k, i) => {
    const c = byKey.get(k);
    const unset = LIST_KEYS.has(k) ? "NONE" : "undefined";
    if (!c) return `${k}: ${unset}`;
    const index = Number(c.index);
    if (!Number.isInteger(index) || index < 0) throw new Error(`column ${c.key} has no position`);
    return `${k}: (v = row[${index}]) === undefined || v === "" ? ${unset} : read[${i}](${c.multi ? 'v.split(" | ")' : "v"})`;
  });
  return new Function(
    "read",
    "NONE",
    `return (row) => {
      const uuid = row[${Number(id.index)}];
      if (!uuid) return { ok: false, reason: "uuid: missing uuid" };
      let v;
      return { ok: true, record: { ${fields.join(", ")}, uuid } };
    };`,
  )(readers, NONE);
}

/** Parses a search answer: throws (ZodError) on a broken envelope, sets bad records aside. */
export function parseSearchPage(json: unknown): SearchPage {
  const envelope = searchPageSchema.parse(json);
  const records: AlaRecord[] = [];
  const invalid: InvalidRecord[] = [];
  envelope.occurrences.forEach((value, index) => {
    const parsed = parseRecord(value);
    if (parsed.ok) records.push(parsed.record);
    else {
      const uuid = (value as { uuid?: unknown } | null)?.uuid;
      invalid.push({ index, uuid: typeof uuid === "string" ? uuid : undefined, reason: parsed.reason });
    }
  });
  return {
    totalRecords: envelope.totalRecords,
    pageSize: envelope.pageSize,
    startIndex: envelope.startIndex,
    received: envelope.occurrences.length,
    records,
    invalid,
  };
}

/** `GET /occurrences/facets`: one entry per requested facet. */
export const facetsSchema = z.array(
  z.object({
    fieldName: z.string(),
    count: z.number().optional(),
    fieldResult: z
      .array(
        z.object({
          // The "missing value" bucket may come without a label.
          label: z
            .string()
            .nullish()
            .transform((v) => v ?? ""),
          i18nCode: z.string().nullish(),
          count: z.number().int().min(0),
          fq: z.string().nullish(),
        }),
      )
      .default([]),
  }),
);
export type FacetsAnswer = z.infer<typeof facetsSchema>;

/** `GET /occurrence/deleted`: uuids. */
export const deletedSchema = z.array(z.string());

/**
 * Images service `GET /ws/image/{imageId}`, as image-service's `WebServiceController.getImageInfo`
 * answers it (`ImageService.addImageInfoToMap`): the id is `imageIdentifier`, unknown texts are
 * empty strings (read here as absent), and there is no thumbnail field (lib/ala/images builds it).
 */
// The same tolerant readers as zod fields, for the small answers parsed whole.
const looseString = z.unknown().optional().transform(readString);
const looseNumber = z.unknown().optional().transform(readNumber);
const blankAsAbsent = looseString.transform((v) => (v === undefined || v.trim() === "" ? undefined : v));
export const imageMetadataSchema = z.object({
  success: z.boolean().optional(),
  imageIdentifier: z.string().min(1),
  mimeType: blankAsAbsent,
  width: looseNumber,
  height: looseNumber,
  creator: blankAsAbsent,
  rightsHolder: blankAsAbsent,
  license: blankAsAbsent,
  recognisedLicence: z
    .object({ acronym: blankAsAbsent, name: blankAsAbsent, url: blankAsAbsent })
    .nullish()
    .catch(null),
  imageUrl: blankAsAbsent,
});
export type ImageMetadata = z.infer<typeof imageMetadataSchema>;

/** `GET /assertions/codes`. */
export const assertionCodesSchema = z.array(
  z.object({
    name: z.string(),
    code: z.number().optional(),
    category: z.string().optional(),
    fatal: z.boolean().optional(),
    description: z.string().optional(),
  }),
);
export type AssertionCodes = z.infer<typeof assertionCodesSchema>;

const section = z.record(z.string(), z.unknown()).optional();
const recordView = z
  .object({
    uuid: z.unknown().optional(),
    rowKey: z.unknown().optional(),
    occurrence: section,
    classification: section,
    location: section,
    event: section,
    attribution: section,
  })
  .loose()
  .optional();
const assertionList = z.array(z.object({ name: z.string().optional() }).loose()).optional();

/** `GET /occurrence/{uuid}`: the full record, with raw and processed views. */
export const fullRecordSchema = z
  .object({
    raw: recordView,
    processed: recordView,
    systemAssertions: z
      .object({ failed: assertionList, warning: assertionList })
      .loose()
      .optional(),
    userAssertions: z.unknown().optional(),
  })
  .loose();
export type FullRecord = z.infer<typeof fullRecordSchema>;
type RecordView = NonNullable<FullRecord["raw"]>;

/**
 * The full record reshaped like a search result (processed values first, raw as fallback), so
 * one normaliser serves both. Failed and warning system assertions become `assertions`.
 */
export function flattenFullRecord(full: FullRecord): Record<string, unknown> {
  const p: RecordView = full.processed ?? {};
  const r: RecordView = full.raw ?? {};
  const pick = (name: "occurrence" | "classification" | "location" | "event" | "attribution") => ({
    ...(r[name] ?? {}),
    ...Object.fromEntries(Object.entries(p[name] ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== "")),
  });
  const sa = full.systemAssertions;
  const assertions = [...(sa?.failed ?? []), ...(sa?.warning ?? [])].flatMap((a) => (a.name ? [a.name] : []));
  const classification = pick("classification");
  const occurrence = pick("occurrence");
  return {
    ...pick("attribution"),
    ...pick("event"),
    ...pick("location"),
    ...occurrence,
    ...classification,
    uuid: p.uuid ?? r.uuid ?? r.rowKey,
    speciesGuid: classification.speciesGuid ?? classification.speciesID,
    raw_basisOfRecord: r.occurrence?.basisOfRecord,
    assertions,
    userAssertions: full.userAssertions,
  };
}

/**
 * An offline download's status (biocache-service `DownloadStatusDTO`, serialised NON_NULL): an
 * unknown or expired id answers `{}`, so every field is optional.
 */
export const downloadStatusSchema = z.object({
  status: z.enum(["inQueue", "running", "finished", "tooLarge", "cancelled"]).optional(),
  totalRecords: z.number().int().min(0).optional(),
  records: z.number().int().min(0).optional(),
  queueSize: z.number().int().optional(),
  statusUrl: z.string().optional(),
  cancelUrl: z.string().optional(),
  downloadUrl: z.string().optional(),
  searchUrl: z.string().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
});
export type DownloadStatus = z.infer<typeof downloadStatusSchema>;
