/**
 * A parsed ALA record → Edgar's plain import row (no database here). Values are cleaned to what
 * the occurrences table can store; records that cannot be stored are rejected with a reason the
 * sync counts as skipped.
 */
import { duplicateStatusCode, normaliseBasisOfRecord, type BasisOfRecord } from "@/lib/domain/codes";
import { toMask } from "./assertions";
import type { AlaRecord } from "./schemas";

export interface LatLon {
  lat: number;
  lon: number;
}

export interface ImportRow {
  /** The ALA uuid, lower-case. */
  sourceId: string;
  /** Species id exactly as the ALA gives it (LSID or AFD URL), trimmed: see normaliseSpeciesGuid. */
  speciesGuid: string;
  scientificName: string | null;
  commonName: string | null;
  /** Public (for sensitive species: generalised) position; null when missing, out of range or 0,0. */
  lat: number | null;
  lon: number | null;
  /** yyyy-mm-dd (UTC) or null. */
  eventDate: string | null;
  year: number | null;
  basisOfRecord: BasisOfRecord;
  uncertaintyM: number | null;
  /** Bit set of canonical assertions (lib/ala/assertions.ts). */
  assertions: bigint;
  sensitive: boolean;
  /** lib/domain/codes DUPLICATE_STATUS code. */
  duplicateStatus: number;
  dataset: { uid: string; name: string | null; providerName: string | null; license: string | null } | null;
  /** The first image; its metadata is fetched later from the images service. */
  image: { imageId: string } | null;
  /** People reported a problem with the record (user assertions). */
  userFlagged: boolean;
  /** null when the source does not say. */
  spatiallyValid: boolean | null;
  /** When the ALA last (re)loaded the record. */
  sourceLoadedAt: Date | null;
  /** Accurate position of a sensitive record: only from an authorised source, never displayed. */
  accurate: LatLon | null;
}

export type RejectReason = "invalidUuid" | "missingSpeciesId";

export type NormaliseResult =
  | { ok: true; row: ImportRow }
  | { ok: false; reason: RejectReason; uuid?: string; detail: string };

export interface NormaliseOptions {
  /**
   * Hook for accurate coordinates of sensitive records. The public API only gives generalised
   * ones, so the default finds none; an authorised (JWT) source supplies this function.
   */
  accurateCoordinates?: (record: AlaRecord) => LatLon | null;
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");

/** Text caps: generous for real names, small enough that a hostile record cannot bloat rows. */
const MAX = { id: 200, name: 300, title: 500, license: 200 } as const;

/**
 * Cleans a string for storage: NUL and other control characters out (PostgreSQL refuses NUL),
 * trimmed, capped. HTML is kept as text; whoever displays it must escape it.
 */
export function cleanText(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  // Tested before replacing: almost no value has one, and the test allocates nothing.
  const text = (CONTROL.test(value) ? value.replace(CONTROL_ALL, "") : value).trim();
  return text === "" ? null : text.slice(0, max).trim();
}

/**
 * Species ids are kept exactly as the ALA gives them (an LSID
 * `urn:lsid:biodiversity.org.au:afd.taxon:…` or an AFD URL `https://biodiversity.org.au/afd/taxa/…`),
 * only trimmed: the same string must go back into `speciesID:"…"` filters, and the ALA itself
 * treats the two forms as different ids.
 */
export function normaliseSpeciesGuid(value: string | undefined | null): string | null {
  const guid = value?.trim();
  return guid ? guid.slice(0, MAX.id) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function normaliseUuid(value: string | undefined): string | null {
  const uuid = value?.trim().toLowerCase();
  return uuid && UUID.test(uuid) ? uuid : null;
}

const inRange = (v: number | undefined, limit: number): v is number =>
  v !== undefined && Number.isFinite(v) && Math.abs(v) <= limit;

/** The position, or why it is unusable (an extra assertion to record). */
export function normalisePosition(lat: number | undefined, lon: number | undefined): { position: LatLon | null; assertion?: string } {
  if (lat === undefined || lon === undefined) return { position: null };
  if (!inRange(lat, 90) || !inRange(lon, 180)) return { position: null, assertion: "coordinatesOutOfRange" };
  // 0,0 is a placeholder, not a place (the ALA flags it too).
  if (lat === 0 && lon === 0) return { position: null, assertion: "zeroCoordinates" };
  return { position: { lat, lon } };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** yyyy-mm-dd from epoch ms (UTC) or an ISO string (its own date part, no time-zone shift). */
export function normaliseEventDate(value: number | string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === "string") {
    const ymd = leadingDate(value);
    if (ymd !== null) return ymd;
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : normaliseEventDate(t);
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const digits = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
};

/**
 * A valid date that starts `s` as yyyy-mm-dd, as it is (downloads' dates all have this form),
 * read without a regular expression or a Date; null sends the value down the general path.
 */
function leadingDate(s: string): string | null {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  if (y < 1 || m < 1 || m > 12 || d < 1) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= days ? s.slice(0, 10) : null;
}

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || y > 9999 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Epoch ms or ISO string → Date, null when unusable. */
export function normaliseInstant(value: number | string | undefined): Date | null {
  if (value === undefined) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const SENSITIVE_VALUES = new Set(["generalised", "alreadygeneralised"]);
// User-assertion values the ALA's own profile filters out: 50001 (open issue), 50005
// (unconfirmed); legacy `user_assertions` is "true" when people flagged the record.
const USER_FLAGGED_VALUES = new Set(["true", "50001", "50005"]);

const flagged = (v: string) => USER_FLAGGED_VALUES.has(v.trim().toLowerCase());

export function normaliseRecord(record: AlaRecord, options: NormaliseOptions = {}): NormaliseResult {
  const sourceId = normaliseUuid(record.uuid);
  if (!sourceId) return { ok: false, reason: "invalidUuid", uuid: record.uuid, detail: `uuid is not a UUID: ${JSON.stringify(record.uuid.slice(0, 80))}` };
  const speciesGuid = normaliseSpeciesGuid(record.speciesGuid ?? record.speciesID);
  if (!speciesGuid) return { ok: false, reason: "missingSpeciesId", uuid: sourceId, detail: "record has no species id" };

  const { position, assertion } = normalisePosition(record.decimalLatitude, record.decimalLongitude);
  const eventDate = normaliseEventDate(record.eventDate);
  const year = record.year !== undefined && Number.isInteger(record.year) && record.year >= 1 && record.year <= 9999
    ? record.year
    : eventDate ? Number(eventDate.slice(0, 4)) : null;
  const basis = normaliseBasisOfRecord(record.basisOfRecord);
  const uncertainty = record.coordinateUncertaintyInMeters;
  const imageId = cleanText(record.image ?? record.images[0], MAX.id);
  const uid = cleanText(record.dataResourceUid, MAX.id);
  const accurate = options.accurateCoordinates?.(record) ?? null;

  return {
    ok: true,
    row: {
      sourceId,
      speciesGuid,
      scientificName: cleanText(record.scientificName ?? record.species, MAX.name),
      commonName: cleanText(record.vernacularName, MAX.name),
      lat: position?.lat ?? null,
      lon: position?.lon ?? null,
      eventDate,
      year,
      // Older records may only carry the verbatim value.
      basisOfRecord: basis === "UNKNOWN" ? normaliseBasisOfRecord(record.raw_basisOfRecord) : basis,
      uncertaintyM: uncertainty !== undefined && uncertainty >= 0 ? uncertainty : null,
      assertions: toMask(assertion ? [...record.assertions, assertion] : record.assertions),
      sensitive: SENSITIVE_VALUES.has((record.sensitive ?? "").trim().toLowerCase()),
      // R/D/U, or the words they stand for (REPRESENTATIVE, DUPLICATE, UNIQUE).
      duplicateStatus: duplicateStatusCode((record.duplicateStatus ?? record.duplicate_status ?? "").trim().charAt(0)),
      dataset: uid
        ? {
            uid,
            name: cleanText(record.dataResourceName, MAX.title),
            providerName: cleanText(record.dataProviderName, MAX.title),
            license: cleanText(record.license, MAX.license),
          }
        : null,
      image: imageId ? { imageId } : null,
      userFlagged: record.userAssertions.some(flagged) || record.user_assertions.some(flagged),
      spatiallyValid: record.spatiallyValid ?? record.geospatialKosher ?? null,
      sourceLoadedAt: normaliseInstant(record.lastLoadDate ?? record.dateLastModified),
      accurate: accurate && normalisePosition(accurate.lat, accurate.lon).position,
    },
  };
}
