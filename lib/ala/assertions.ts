/**
 * One canonical set of data-quality assertions, whatever style the source uses: the legacy
 * biocache camelCase codes (`zeroCoordinates`) and the pipelines/GBIF upper-snake ones
 * (`ZERO_COORDINATE`) map to the same entry and the same bit of the stored mask.
 *
 * APPEND ONLY: a bit number is in every stored occurrence row. Never renumber or reuse one.
 * Bits 0–61 name codes, bit 62 is "other" (any unknown code), so a mask is a positive signed
 * 64-bit integer (PostgreSQL bigint).
 */

export type AssertionCategory = "error" | "warning" | "comment";

export interface AssertionDef {
  /** Canonical name (the legacy camelCase code). */
  name: string;
  bit: number;
  category: AssertionCategory;
  /** The record's position cannot be used at all. */
  fatal: boolean;
  /** Other spellings of the same assertion (pipelines upper-snake, older legacy names). */
  aliases: readonly string[];
}

const def = (
  bit: number,
  name: string,
  category: AssertionCategory,
  fatal: boolean,
  aliases: string[],
): AssertionDef => ({ name, bit, category, fatal, aliases });

// Categories follow the ALA: "error" is what its default (ALA) quality profile filters out
// (fixtures/ala/quality-filters-ALA-profile.json) plus clear spatial errors.
export const ASSERTIONS: readonly AssertionDef[] = [
  def(0, "zeroCoordinates", "error", true, ["ZERO_COORDINATE"]),
  def(1, "coordinatesOutOfRange", "error", true, ["COORDINATE_OUT_OF_RANGE"]),
  def(2, "presumedSwappedCoordinates", "error", true, ["PRESUMED_SWAPPED_COORDINATE", "invertedCoordinates"]),
  def(3, "presumedNegatedLatitude", "warning", false, ["PRESUMED_NEGATED_LATITUDE"]),
  def(4, "presumedNegatedLongitude", "warning", false, ["PRESUMED_NEGATED_LONGITUDE"]),
  def(5, "coordinatesCentreOfCountry", "error", false, ["COORDINATES_CENTRE_OF_COUNTRY"]),
  def(6, "coordinatesCentreOfStateProvince", "error", false, ["COORDINATES_CENTRE_OF_STATEPROVINCE"]),
  def(7, "detectedOutlier", "error", false, ["DETECTED_OUTLIER", "OUTLIER"]),
  def(8, "habitatMismatch", "error", false, ["HABITAT_MISMATCH", "COORDINATE_HABITAT_MISMATCH"]),
  def(9, "countryCoordinateMismatch", "warning", false, ["COUNTRY_COORDINATE_MISMATCH"]),
  def(10, "stateCoordinateMismatch", "warning", false, ["STATE_COORDINATE_MISMATCH"]),
  def(11, "invalidCollectionDate", "warning", false, ["INVALID_COLLECTION_DATE", "RECORDED_DATE_INVALID"]),
  def(12, "firstOfCentury", "comment", false, ["FIRST_OF_CENTURY"]),
  def(13, "firstOfYear", "comment", false, ["FIRST_OF_YEAR"]),
  def(14, "firstOfMonth", "comment", false, ["FIRST_OF_MONTH"]),
  def(15, "unknownCountry", "warning", false, ["UNKNOWN_COUNTRY", "unknownCountryName", "COUNTRY_INVALID"]),
  def(16, "coordinateUncertaintyNotSpecified", "comment", false, ["UNCERTAINTY_NOT_SPECIFIED", "uncertaintyNotSpecified"]),
  def(17, "coordinateUncertaintyInvalid", "warning", false, ["COORDINATE_UNCERTAINTY_METERS_INVALID"]),
  def(18, "coordinateInvalid", "error", true, ["COORDINATE_INVALID"]),
  def(19, "taxonMatchNone", "error", false, ["TAXON_MATCH_NONE", "nameNotRecognised"]),
  def(20, "invalidScientificName", "error", false, ["INVALID_SCIENTIFIC_NAME"]),
  def(21, "unknownKingdom", "error", false, ["UNKNOWN_KINGDOM"]),
  def(22, "taxonHomonym", "error", false, ["TAXON_HOMONYM", "homonymIssue"]),
  def(23, "taxonScopeMismatch", "error", false, ["TAXON_SCOPE_MISMATCH"]),
  def(24, "coordinateRounded", "comment", false, ["COORDINATE_ROUNDED"]),
  def(25, "countryDerivedFromCoordinates", "comment", false, ["COUNTRY_DERIVED_FROM_COORDINATES", "countryInferredByCoordinates"]),
  def(26, "geodeticDatumAssumedWgs84", "comment", false, ["GEODETIC_DATUM_ASSUMED_WGS84"]),
  def(27, "missingGeodeticDatum", "comment", false, ["MISSING_GEODETICDATUM"]),
  def(28, "missingTaxonRank", "comment", false, ["MISSING_TAXONRANK"]),
  def(29, "missingGeoreferenceDate", "comment", false, ["MISSING_GEOREFERENCE_DATE"]),
  def(30, "missingGeoreferencedBy", "comment", false, ["MISSING_GEOREFERENCEDBY"]),
  def(31, "missingGeoreferenceProtocol", "comment", false, ["MISSING_GEOREFERENCEPROTOCOL"]),
  def(32, "missingGeoreferenceSources", "comment", false, ["MISSING_GEOREFERENCESOURCES"]),
  def(33, "missingGeoreferenceVerificationStatus", "comment", false, ["MISSING_GEOREFERENCEVERIFICATIONSTATUS"]),
  def(34, "locationNotSupplied", "warning", false, ["LOCATION_NOT_SUPPLIED"]),
  def(35, "idPreOccurrence", "comment", false, ["ID_PRE_OCCURRENCE", "IDENTIFIED_DATE_UNLIKELY"]),
  def(36, "georefPostOccurrence", "comment", false, ["GEOREF_POST_OCCURRENCE", "GEOREFERENCED_DATE_UNLIKELY"]),
  def(37, "recordedDateMismatch", "warning", false, ["RECORDED_DATE_MISMATCH"]),
  def(38, "recordedDateUnlikely", "warning", false, ["RECORDED_DATE_UNLIKELY"]),
  def(39, "taxonMatchFuzzy", "comment", false, ["TAXON_MATCH_FUZZY"]),
  def(40, "taxonMatchHigherRank", "comment", false, ["TAXON_MATCH_HIGHERRANK"]),
  def(41, "speciesOutsideExpertRange", "warning", false, ["SPECIES_OUTSIDE_EXPERT_RANGE", "OUTSIDE_EXPERT_RANGE"]),
  def(42, "coordinatePrecisionMismatch", "comment", false, ["COORDINATE_PRECISION_INVALID", "COORDINATE_PRECISION_MISMATCH"]),
  def(43, "countryMismatch", "warning", false, ["COUNTRY_MISMATCH"]),
  def(44, "coordinateReprojectionFailed", "warning", false, ["COORDINATE_REPROJECTION_FAILED"]),
];

export const OTHER_ASSERTION = "other";
export const OTHER_BIT = 62;

// Spelling-insensitive key: `ZERO_COORDINATE`, `zero_coordinate` and `zeroCoordinate` meet.
const key = (code: string) => code.trim().replace(/_/g, "").toLowerCase();

const byKey = new Map<string, AssertionDef>();
for (const a of ASSERTIONS) {
  if (a.bit < 0 || a.bit >= OTHER_BIT) throw new Error(`assertion bit out of range: ${a.name}`);
  for (const spelling of [a.name, ...a.aliases]) byKey.set(key(spelling), a);
}
const byBit = new Map(ASSERTIONS.map((a) => [a.bit, a]));
if (byBit.size !== ASSERTIONS.length) throw new Error("duplicate assertion bit");

// Codes as they arrive, memoised: a download repeats a few dozen spellings millions of times.
// Bounded, so a source sending endless made-up codes cannot grow it without end.
const bySpelling = new Map<string, AssertionDef | null>();
const MEMO_MAX = 10_000;

/** The canonical entry of a code in either style, or undefined when unknown. */
export function assertionDef(code: string): AssertionDef | undefined {
  const known = bySpelling.get(code);
  if (known !== undefined) return known ?? undefined;
  const def = byKey.get(key(code));
  if (bySpelling.size < MEMO_MAX) bySpelling.set(code, def ?? null);
  return def;
}

/** Canonical name of a code; unknown codes become "other". */
export function canonicalAssertion(code: string): string {
  return assertionDef(code)?.name ?? OTHER_ASSERTION;
}

/** Bit set of the codes; unknown non-empty codes set the "other" bit. */
export function toMask(codes: readonly string[]): bigint {
  // Two 31-bit halves in plain numbers, one BigInt at the end: a BigInt per code was a measurable
  // share of the import.
  let low = 0;
  let high = 0;
  for (const code of codes) {
    if (!code.trim()) continue;
    const bit = assertionDef(code)?.bit ?? OTHER_BIT;
    if (bit < 31) low |= 1 << bit;
    else high |= 1 << (bit - 31);
  }
  // `>>> 0`: bit 62 ("other") is bit 31 of `high`, which `|` leaves as the sign of a negative int32.
  return high === 0 ? BigInt(low) : (BigInt(high >>> 0) << 31n) | BigInt(low);
}

/** Canonical names of the bits set, in bit order ("other" last). */
export function fromMask(mask: bigint): string[] {
  const names: string[] = [];
  for (const a of ASSERTIONS) if (mask & (1n << BigInt(a.bit))) names.push(a.name);
  if (mask & (1n << BigInt(OTHER_BIT))) names.push(OTHER_ASSERTION);
  return names;
}

/** Mask of every canonical assertion matching the predicate (for rules). */
export function maskWhere(predicate: (a: AssertionDef) => boolean): bigint {
  return ASSERTIONS.filter(predicate).reduce((m, a) => m | (1n << BigInt(a.bit)), 0n);
}
