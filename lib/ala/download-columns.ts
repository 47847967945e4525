/**
 * What Edgar asks an offline download for, and how the data file's columns map back to the
 * record fields the normaliser reads (the same names a search answer uses, so one schema and one
 * normaliser serve both paths). With `dwcHeaders=true` biocache-service heads each column with the
 * field's Darwin Core term where messages.properties has one (`dwc.id=recordID`,
 * `dwc.license=dcterms:license`) and with the index field name otherwise
 * (`DownloadFields.newDownloadHeader`); either style's name is accepted.
 */
import type { FieldStyle } from "./fields";

export interface DownloadColumn {
  /** The record field it fills (a key of AlaRecord). */
  key: string;
  current: string;
  legacy: string;
  /** Multi-valued: ProcessDownload joins the values with " | ". */
  multi?: boolean;
  /** Darwin Core heading, when it differs from the field name. */
  dwc?: string;
  /** Without it no record can be stored: a file lacking it is refused. */
  required?: boolean;
}

const ID: DownloadColumn = { key: "uuid", current: "id", legacy: "id", dwc: "recordID", required: true };
const SPECIES: DownloadColumn = { key: "speciesID", current: "speciesID", legacy: "species_guid", required: true };

/** Every field the import reads, in the order they are requested. */
export const RECORD_COLUMNS: readonly DownloadColumn[] = [
  ID,
  SPECIES,
  { key: "species", current: "species", legacy: "species" },
  { key: "scientificName", current: "scientificName", legacy: "taxon_name" },
  { key: "vernacularName", current: "vernacularName", legacy: "common_name" },
  { key: "decimalLatitude", current: "decimalLatitude", legacy: "latitude", required: true },
  { key: "decimalLongitude", current: "decimalLongitude", legacy: "longitude", required: true },
  { key: "coordinateUncertaintyInMeters", current: "coordinateUncertaintyInMeters", legacy: "coordinate_uncertainty", required: true },
  { key: "eventDate", current: "eventDate", legacy: "occurrence_date", required: true },
  { key: "year", current: "year", legacy: "year", required: true },
  { key: "basisOfRecord", current: "basisOfRecord", legacy: "basis_of_record", required: true },
  { key: "raw_basisOfRecord", current: "raw_basisOfRecord", legacy: "raw_basis_of_record" },
  { key: "dataResourceUid", current: "dataResourceUid", legacy: "data_resource_uid", required: true },
  { key: "dataResourceName", current: "dataResourceName", legacy: "data_resource" },
  { key: "dataProviderName", current: "dataProviderName", legacy: "data_provider" },
  { key: "license", current: "license", legacy: "license", dwc: "dcterms:license" },
  { key: "assertions", current: "assertions", legacy: "assertions", multi: true, required: true },
  { key: "userAssertions", current: "userAssertions", legacy: "user_assertions", required: true },
  { key: "spatiallyValid", current: "spatiallyValid", legacy: "geospatial_kosher", required: true },
  { key: "duplicateStatus", current: "duplicateStatus", legacy: "duplicate_status", required: true },
  { key: "sensitive", current: "sensitive", legacy: "sensitive", required: true },
  { key: "images", current: "images", legacy: "all_image_url", multi: true, required: true },
  { key: "lastLoadDate", current: "lastLoadDate", legacy: "last_load_date" },
];

/** Record ids with their species (reconciliation's id lists, several species to a download). */
export const ID_COLUMNS: readonly DownloadColumn[] = [ID, SPECIES];

/** The `fields` parameter for these columns. */
export function downloadFields(columns: readonly DownloadColumn[], style: FieldStyle): string {
  return columns.map((c) => c[style]).join(",");
}

export interface ColumnMap {
  /** Position in the row of each mapped column, and how to read it. */
  columns: { index: number; key: string; multi: boolean }[];
  /** Required columns the file lacks. */
  missing: string[];
  width: number;
}

/** Maps a data file's heading row onto the columns asked for; unknown headings are ignored. */
export function mapHeadings(headings: readonly string[], wanted: readonly DownloadColumn[]): ColumnMap {
  const at = new Map(headings.map((h, i) => [h.trim(), i]));
  const columns: ColumnMap["columns"] = [];
  const missing: string[] = [];
  for (const c of wanted) {
    const index = [c.dwc, c.current, c.legacy].map((h) => (h === undefined ? undefined : at.get(h))).find((i) => i !== undefined);
    if (index !== undefined) columns.push({ index, key: c.key, multi: c.multi ?? false });
    else if (c.required) missing.push(c.current);
  }
  return { columns, missing, width: headings.length };
}
