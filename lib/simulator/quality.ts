/**
 * Data quality profiles. The biocache applies a profile's filters to searches and facets when the
 * request names it (`qualityProfile=ALA`), or on deployments where a blank profile means the
 * default one; `disableAllQualityFilters=true` turns them all off. The simulator knows the ALA
 * General profile and, like the ALA's web services, applies none unless asked.
 */

/** The ALA General profile's filters (shared/fixtures/ala/quality-filters-ALA-profile.json). */
const ALA_GENERAL = [
  '-spatiallyValid:"false"',
  "-coordinateUncertaintyInMeters:[10001 TO *]",
  "-userAssertions:50001",
  "-outlierLayerCount:[3 TO *]",
  "-year:[* TO 1700]",
  "-raw_identification_qualifier:[* TO *]",
  "-(establishment_means:MANAGED OR establishment_means:CULTIVATED OR establishment_means:CAPTIVE)",
  "-assertions:TAXON_MATCH_NONE",
  "-decimalLatitude:0",
  "-assertions:INVALID_SCIENTIFIC_NAME",
  "-userAssertions:50005",
  "-assertions:TAXON_HOMONYM",
  "-decimalLongitude:0",
  '-assertions:"PRESUMED_SWAPPED_COORDINATE"',
  "-assertions:UNKNOWN_KINGDOM",
  "-assertions:TAXON_SCOPE_MISMATCH",
  '-assertions:"COORDINATES_CENTRE_OF_STATEPROVINCE"',
  '-assertions:"COORDINATES_CENTRE_OF_COUNTRY"',
];

const PROFILES: Record<string, readonly string[]> = { ala: ALA_GENERAL };

/** Extra filter queries a request's quality parameters add. */
export function qualityFilters(p: URLSearchParams): readonly string[] {
  if (p.get("disableAllQualityFilters") === "true") return [];
  const profile = p.get("qualityProfile")?.trim().toLowerCase();
  return profile ? (PROFILES[profile] ?? []) : [];
}
