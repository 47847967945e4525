/**
 * The columns of a download: Darwin Core terms (https://dwc.tdwg.org/terms/) where one exists,
 * ALA's `dataProviderName` for the provider, and Edgar's own `classification`, `contentious` and `source`
 * (the name of the source the record came from, docs/sources.md).
 */
import { imageOriginalUrl } from "@/lib/ala/images";
import { config } from "@/lib/config";
import { BASIS_OF_RECORD, DUPLICATE_STATUS, classificationName } from "@/lib/domain/codes";
import { ALA_RECORD_URL } from "@/lib/occurrences/detail";

/** One row as the download query selects it. */
export interface DownloadRow {
  source_id: string;
  /** sources.id and name; the source's own occurrenceID where it is not the ALA. */
  source: number;
  source_name: string;
  occurrence_key: string | null;
  lat: number | null;
  lon: number | null;
  event_date: string | null;
  year: number | null;
  basis_of_record: number;
  uncertainty_m: number | null;
  duplicate_status: number;
  sensitive: boolean;
  classification: number;
  contentious: boolean;
  dataset_uid: string | null;
  dataset_name: string | null;
  provider_name: string | null;
  license: string | null;
  /** Set only once the image's licence is known. */
  image_id: string | null;
}

export interface DownloadSpecies {
  guid: string;
  scientificName: string;
  commonName: string | null;
}

export type Value = string | number | boolean | null;

/** HUMAN_OBSERVATION → HumanObservation, Darwin Core's spelling. */
function dwcBasisOfRecord(code: number): string {
  const name = BASIS_OF_RECORD[code] ?? "UNKNOWN";
  return name === "UNKNOWN" ? "" : name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export const SENSITIVE_NOTE = "Coordinates generalised by the data provider: sensitive species";

export const COLUMNS: readonly { name: string; value: (r: DownloadRow, s: DownloadSpecies) => Value }[] = [
  { name: "occurrenceID", value: (r) => r.occurrence_key ?? r.source_id },
  { name: "scientificName", value: (_, s) => s.scientificName },
  { name: "vernacularName", value: (_, s) => s.commonName },
  { name: "taxonID", value: (_, s) => s.guid },
  { name: "decimalLatitude", value: (r) => r.lat },
  { name: "decimalLongitude", value: (r) => r.lon },
  { name: "geodeticDatum", value: (r) => (r.lat === null ? null : "EPSG:4326") },
  { name: "coordinateUncertaintyInMeters", value: (r) => r.uncertainty_m },
  { name: "dataGeneralizations", value: (r) => (r.sensitive ? SENSITIVE_NOTE : null) },
  { name: "eventDate", value: (r) => r.event_date },
  { name: "year", value: (r) => r.year },
  { name: "basisOfRecord", value: (r) => dwcBasisOfRecord(r.basis_of_record) },
  { name: "datasetID", value: (r) => r.dataset_uid },
  { name: "datasetName", value: (r) => r.dataset_name },
  { name: "dataProviderName", value: (r) => r.provider_name },
  { name: "license", value: (r) => r.license },
  // Only the ALA's records have a page at the ALA.
  { name: "references", value: (r) => (r.source === 1 ? ALA_RECORD_URL + r.source_id : null) },
  { name: "associatedMedia", value: (r) => (r.image_id === null ? null : imageOriginalUrl(config().ALA_IMAGES_URL, r.image_id)) },
  { name: "duplicateStatus", value: (r) => DUPLICATE_STATUS[r.duplicate_status] || null },
  { name: "classification", value: (r) => classificationName(r.classification) },
  { name: "contentious", value: (r) => r.contentious },
  { name: "source", value: (r) => r.source_name },
];

/**
 * The query's FROM and select list; only public positions (occurrences.lat/lon), never
 * sensitive_coordinates. An image is listed only once its licence is known, as in the UI.
 */
export const DOWNLOAD_FROM = `classified_occurrences o
  LEFT JOIN datasets d ON d.id = o.dataset_id
  LEFT JOIN occurrence_images i ON i.occurrence_id = o.id AND i.license IS NOT NULL
  JOIN sources src ON src.id = o.source`;
export const DOWNLOAD_SELECT = `o.source_id, o.source, src.name AS source_name, o.occurrence_key, o.lat, o.lon, to_char(o.event_date, 'YYYY-MM-DD') AS event_date, o.year, o.basis_of_record,
  o.uncertainty_m, o.duplicate_status, o.sensitive, o.classification, o.contentious,
  d.uid AS dataset_uid, d.name AS dataset_name, d.provider_name, d.license, i.image_id`;
