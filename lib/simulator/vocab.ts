/**
 * The ALA's controlled values the simulator emits: basis of record and assertion codes.
 * A record's assertions are a 32-bit mask over ASSERTION_KINDS; each record is written either in
 * the legacy biocache-store style (camelCase names) or the current pipelines style (upper-snake),
 * as the real index holds both.
 */

export const BASIS_OF_RECORD = [
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

/** The Darwin Core CamelCase spelling data providers send (what `raw_basisOfRecord` holds). */
export const RAW_BASIS_OF_RECORD: readonly string[] = [
  "HumanObservation",
  "MachineObservation",
  "Observation",
  "Occurrence",
  "PreservedSpecimen",
  "FossilSpecimen",
  "LivingSpecimen",
  "MaterialSample",
  "MaterialCitation",
];

export const BOR = Object.fromEntries(BASIS_OF_RECORD.map((b, i) => [b, i])) as Record<BasisOfRecord, number>;

export type AssertionCategory = "Error" | "Warning" | "Missing" | "Comment";

export interface AssertionKind {
  /** Legacy biocache-store name, or null when only pipelines reports it. */
  legacy: string | null;
  /** Pipelines (GBIF-style) name, or null when pipelines reports it otherwise (outliers: outlierLayerCount). */
  current: string | null;
  code: number;
  fatal: boolean;
  category: AssertionCategory;
  description: string;
  /** A fatal geospatial issue makes the record spatially invalid. */
  geospatial: boolean;
}

function kind(legacy: string | null, current: string | null, code: number, fatal: boolean, category: AssertionCategory, description: string, geospatial = false): AssertionKind {
  return { legacy, current, code, fatal, category, description, geospatial };
}

/** Bit i of a record's assertion mask is ASSERTION_KINDS[i]. At most 32. */
export const ASSERTION_KINDS: readonly AssertionKind[] = [
  kind("zeroCoordinates", "ZERO_COORDINATE", 4, true, "Warning", "Supplied coordinates are zero", true),
  kind("coordinatesOutOfRange", "COORDINATE_OUT_OF_RANGE", 5, true, "Error", "Coordinates are out of range", true),
  kind("invertedCoordinates", "PRESUMED_SWAPPED_COORDINATE", 3, false, "Warning", "Coordinates are transposed"),
  kind("negatedLatitude", "PRESUMED_NEGATED_LATITUDE", 1, false, "Warning", "Latitude is negated"),
  kind("negatedLongitude", "PRESUMED_NEGATED_LONGITUDE", 2, false, "Warning", "Longitude is negated"),
  kind("coordinatesCentreOfCountry", "COORDINATES_CENTRE_OF_COUNTRY", 28, true, "Warning", "Supplied coordinates centre of country", true),
  kind("coordinatesCentreOfStateProvince", "COORDINATES_CENTRE_OF_STATEPROVINCE", 22, true, "Warning", "Supplied coordinates centre of state", true),
  kind("detectedOutlier", null, 20, true, "Error", "Suspected outlier", true),
  kind("habitatMismatch", "HABITAT_MISMATCH", 19, true, "Error", "Habitat incorrect for species", true),
  kind("countryCoordinateMismatch", "COUNTRY_COORDINATE_MISMATCH", 16, false, "Error", "Coordinates dont match supplied country"),
  kind("stateCoordinateMismatch", "STATE_COORDINATE_MISMATCH", 18, false, "Error", "Coordinates dont match supplied state"),
  kind("unknownCountry", "COUNTRY_INVALID", 6, false, "Error", "Supplied country not recognised"),
  kind("uncertaintyNotSpecified", "COORDINATE_UNCERTAINTY_METERS_INVALID", 27, false, "Missing", "Coordinate uncertainty was not supplied"),
  kind("geodeticDatumAssumedWgs84", "GEODETIC_DATUM_ASSUMED_WGS84", 51, false, "Warning", "Geodetic datum assumed to be WGS84 (EPSG:4326)"),
  kind("missingGeodeticDatum", "MISSING_GEODETICDATUM", 30, false, "Missing", "geodeticDatum not supplied for coordinates"),
  kind("missingGeorefencedBy", "MISSING_GEOREFERENCEDBY", 31, false, "Missing", "GeoreferencedBy not supplied with the record"),
  kind("missingGeoreferenceDate", "MISSING_GEOREFERENCE_DATE", 42, false, "Missing", "GeoreferenceDate not supplied with the record"),
  kind("countryInferredByCoordinates", "COUNTRY_DERIVED_FROM_COORDINATES", 21, false, "Warning", "Country inferred from coordinates"),
  kind(null, "COORDINATE_ROUNDED", 56, false, "Comment", "Original coordinate modified by rounding to 5 decimals"),
  kind("missingTaxonRank", "MISSING_TAXONRANK", 10008, false, "Missing", "taxonRank not supplied with the record"),
  kind("invalidScientificName", "INVALID_SCIENTIFIC_NAME", 10001, false, "Error", "Invalid scientific name"),
  kind("homonymIssue", "TAXON_HOMONYM", 10006, false, "Error", "Homonym issues with supplied name"),
  kind(null, "TAXON_MATCH_FUZZY", 10016, false, "Warning", "Matched to a taxon by fuzzy matching"),
  kind("invalidCollectionDate", "RECORDED_DATE_INVALID", 30007, false, "Error", "Invalid collection date"),
  kind("missingCollectionDate", "MISSING_COLLECTION_DATE", 30008, false, "Missing", "Missing collection date"),
  kind("firstOfMonth", "FIRST_OF_MONTH", 30003, false, "Warning", "First of the month"),
  kind("firstOfYear", "FIRST_OF_YEAR", 30004, false, "Warning", "First of the year"),
  kind("firstOfCentury", "FIRST_OF_CENTURY", 30005, false, "Warning", "First of the century"),
  kind("inferredDuplicateRecord", "INFERRED_DUPLICATE_RECORD", 20014, false, "Warning", "The occurrence appears to be a duplicate"),
  kind("assumedPresentOccurrenceStatus", "ASSUMED_PRESENT_OCCURRENCE_STATUS", 20018, false, "Warning", "Occurrence status assumed to be present"),
  kind("badlyFormedBasisOfRecord", "BASIS_OF_RECORD_INVALID", 20002, true, "Error", "Basis of record badly formed"),
  kind("resourceTaxonomicScopeMismatch", "TAXON_SCOPE_MISMATCH", 20008, false, "Error", "Taxonomic scope mismatch between record and resource"),
];

/** Bit of each kind, by name for readable generation code. */
export const A = Object.fromEntries(
  ASSERTION_KINDS.map((k, i) => [(k.current ?? k.legacy) as string, 1 << i]),
) as Record<string, number>;

/** Mask of the kinds that make a record spatially invalid. */
export const SPATIALLY_INVALID_MASK = ASSERTION_KINDS.reduce((m, k, i) => (k.geospatial && k.fatal ? m | (1 << i) : m), 0);

/** The names of a mask's assertions in one style. Kinds without a name in that style are left out. */
export function assertionNames(mask: number, legacyStyle: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; mask !== 0 && i < ASSERTION_KINDS.length; i++) {
    if (mask & (1 << i)) {
      const k = ASSERTION_KINDS[i];
      const name = legacyStyle ? k.legacy : k.current;
      if (name) out.push(name);
      mask &= ~(1 << i);
    }
  }
  return out;
}

/** name (either style) -> { bit, legacy } */
export const ASSERTION_BY_NAME: ReadonlyMap<string, { bit: number; legacy: boolean }> = (() => {
  const m = new Map<string, { bit: number; legacy: boolean }>();
  ASSERTION_KINDS.forEach((k, i) => {
    if (k.legacy) m.set(k.legacy, { bit: 1 << i, legacy: true });
    if (k.current) m.set(k.current, { bit: 1 << i, legacy: false });
  });
  return m;
})();

/** User assertion QA statuses as indexed in `userAssertions` (50001 open issue, 50005 unconfirmed). */
export const USER_ASSERTION_STATUS = ["50001", "50005", "50002"] as const;
