import { DUP, FLAG } from "./columns";
import * as d from "./derived";
import { imageIds, occurrenceId } from "./record";
import { collectorName, DATA_RESOURCES } from "./resources";
import type { Species } from "./taxa";
import { BASIS_OF_RECORD, RAW_BASIS_OF_RECORD } from "./vocab";
import type { World } from "./world";

/**
 * The index fields queries, facets, sorts and `fl` may name. Each field is known by its legacy
 * (snake_case) and current (camelCase) names, as the biocache maps one to the other.
 * The kind says how to read it fast: per species, per small code, or per record.
 */
export type FieldKind =
  /** A property of the record's species: predicates become a lookup table over species. */
  | { kind: "species"; value: (sp: Species) => string | readonly string[] }
  /** A small code column: predicates become a lookup table over codes. */
  | { kind: "code"; code: (w: World, i: number) => number; label: (code: number) => string | undefined; codes: number }
  /** Numbers and dates (epoch ms); NaN when missing. */
  | { kind: "number" | "date"; value: (w: World, i: number) => number }
  | { kind: "string"; value: (w: World, i: number) => string | undefined }
  | { kind: "multi"; values: (w: World, i: number) => readonly string[] | undefined };

export type FieldDef = FieldKind & {
  /** Canonical (current) name first. */
  names: readonly string[];
  /** Keys of the record JSON this field fills (for `fl`). */
  json: readonly string[];
};

const numOrNaN = (v: number | undefined) => (v === undefined ? NaN : v);

const FIELDS: FieldDef[] = [
  { names: ["id", "uuid", "row_key"], json: ["uuid"], kind: "string", value: (w, i) => w.uuid(i) },
  { names: ["speciesID", "species_guid"], json: ["speciesGuid"], kind: "species", value: (s) => s.guid },
  { names: ["taxonConceptID", "taxon_concept_lsid", "lsid"], json: ["taxonConceptID"], kind: "species", value: (s) => s.guid },
  { names: ["scientificName", "taxon_name"], json: ["scientificName"], kind: "species", value: (s) => s.scientificName },
  { names: ["species"], json: ["species"], kind: "species", value: (s) => s.scientificName },
  { names: ["vernacularName", "common_name"], json: ["vernacularName"], kind: "species", value: (s) => s.vernacularName },
  { names: ["genus"], json: ["genus"], kind: "species", value: (s) => s.genus },
  { names: ["genusID", "genus_guid"], json: ["genusGuid"], kind: "species", value: (s) => s.genusGuid },
  { names: ["family"], json: ["family"], kind: "species", value: (s) => s.family },
  { names: ["order"], json: ["order"], kind: "species", value: (s) => s.order },
  { names: ["class"], json: ["classs"], kind: "species", value: () => "Aves" },
  { names: ["phylum"], json: ["phylum"], kind: "species", value: () => "Chordata" },
  { names: ["kingdom"], json: ["kingdom"], kind: "species", value: () => "Animalia" },
  { names: ["taxonRank", "rank"], json: ["taxonRank"], kind: "species", value: () => "species" },
  { names: ["speciesGroup", "species_group"], json: ["speciesGroups"], kind: "species", value: () => ["Animals", "Birds"] },
  {
    names: ["basisOfRecord", "basis_of_record"],
    json: ["basisOfRecord"],
    kind: "code",
    code: (w, i) => w.cols.bor[i],
    label: (c) => BASIS_OF_RECORD[c],
    codes: BASIS_OF_RECORD.length,
  },
  {
    names: ["raw_basisOfRecord", "raw_basis_of_record"],
    json: ["raw_basisOfRecord"],
    kind: "string",
    value: (w, i) => (w.cols.flags[i] & FLAG.RAW_BOR_CAMEL ? RAW_BASIS_OF_RECORD : BASIS_OF_RECORD)[w.cols.bor[i]],
  },
  ...resourceField(["dataResourceUid", "data_resource_uid"], ["dataResourceUid"], (r) => r.uid),
  ...resourceField(["dataResourceName", "data_resource"], ["dataResourceName"], (r) => r.name),
  ...resourceField(["dataProviderUid", "data_provider_uid"], ["dataProviderUid"], (r) => r.providerUid),
  ...resourceField(["dataProviderName", "data_provider"], ["dataProviderName"], (r) => r.providerName),
  ...resourceField(["institutionCode", "institution_code"], ["raw_institutionCode"], (r) => r.institutionCode),
  ...resourceField(["license"], ["license"], (r) => r.license),
  {
    names: ["spatiallyValid", "geospatial_kosher"],
    json: ["spatiallyValid", "geospatialKosher"],
    kind: "string",
    value: (w, i) => {
      const v = d.spatiallyValid(w, i);
      return v === undefined ? undefined : String(v);
    },
  },
  { names: ["duplicateStatus", "duplicate_status"], json: ["duplicateStatus"], kind: "code", code: (w, i) => w.cols.dup[i], label: (c) => DUP[c] || undefined, codes: DUP.length },
  { names: ["sensitive"], json: ["sensitive"], kind: "string", value: d.sensitive },
  { names: ["multimedia"], json: ["multimedia"], kind: "multi", values: d.multimedia },
  { names: ["images", "all_image_url"], json: ["images", "image"], kind: "multi", values: imageIds },
  { names: ["assertions"], json: ["assertions"], kind: "multi", values: d.assertionList },
  { names: ["userAssertions", "user_assertions"], json: ["userAssertions"], kind: "string", value: d.userAssertionStatus },
  { names: ["outlierLayerCount"], json: ["outlierLayerCount"], kind: "number", value: (w, i) => numOrNaN(d.outlierLayerCount(w, i)) },
  { names: ["year"], json: ["year"], kind: "number", value: (w, i) => w.cols.year[i] || NaN },
  { names: ["month"], json: ["month"], kind: "string", value: d.monthString },
  { names: ["eventDate", "occurrence_date"], json: ["eventDate"], kind: "date", value: (w, i) => numOrNaN(d.eventDate(w, i)) },
  { names: ["lastLoadDate", "last_load_date", "dateLastModified"], json: ["lastLoadDate"], kind: "date", value: (w, i) => w.cols.lastLoad[i] },
  { names: ["firstLoadedDate", "first_loaded_date"], json: ["firstLoadedDate"], kind: "date", value: (w, i) => w.cols.firstLoad[i] * 1000 },
  { names: ["decimalLatitude", "latitude"], json: ["decimalLatitude", "latLong"], kind: "number", value: (w, i) => w.cols.lat(i) },
  { names: ["decimalLongitude", "longitude"], json: ["decimalLongitude", "latLong"], kind: "number", value: (w, i) => w.cols.lon(i) },
  { names: ["coordinateUncertaintyInMeters", "coordinate_uncertainty"], json: ["coordinateUncertaintyInMeters"], kind: "number", value: (w, i) => w.cols.uncertainty[i] },
  { names: ["stateProvince", "state"], json: ["stateProvince"], kind: "string", value: d.stateProvince },
  { names: ["country"], json: ["country"], kind: "string", value: (w, i) => (d.stateProvince(w, i) ? "Australia" : undefined) },
  { names: ["recordedBy", "collector", "collectors"], json: ["recordedBy", "collectors", "collector"], kind: "string", value: (w, i) => collectorName(w.cols.collector[i]) },
  { names: ["occurrenceID", "occurrence_id"], json: ["occurrenceID"], kind: "string", value: occurrenceId },
  // Never filled for birds here, but part of the ALA's default quality profile, so they must parse.
  { names: ["establishmentMeans", "establishment_means"], json: [], kind: "string", value: () => undefined },
  { names: ["raw_identification_qualifier", "identificationQualifier"], json: [], kind: "string", value: () => undefined },
];

function resourceField(names: string[], json: string[], value: (r: (typeof DATA_RESOURCES)[number]) => string | undefined): FieldDef[] {
  return [{ names, json, kind: "code", code: (w, i) => w.cols.resource[i], label: (c) => value(DATA_RESOURCES[c]), codes: DATA_RESOURCES.length }];
}

const BY_NAME = new Map<string, FieldDef>(FIELDS.flatMap((f) => f.names.map((n) => [n, f] as const)));

export function field(name: string): FieldDef | undefined {
  return BY_NAME.get(name);
}

/** A record's values of a field as strings (what a facet counts). */
export function fieldValues(f: FieldDef, w: World, i: number): readonly string[] {
  switch (f.kind) {
    case "species": {
      const v = f.value(w.species[w.cols.species[i]]);
      return typeof v === "string" ? [v] : v;
    }
    case "code": {
      const v = f.label(f.code(w, i));
      return v === undefined ? [] : [v];
    }
    case "number": {
      const v = f.value(w, i);
      return Number.isNaN(v) ? [] : [String(v)];
    }
    case "date": {
      const v = f.value(w, i);
      return Number.isNaN(v) ? [] : [solrDate(v)];
    }
    case "string": {
      const v = f.value(w, i);
      return v === undefined ? [] : [v];
    }
    case "multi":
      return f.values(w, i) ?? [];
  }
}

/** Solr's date format: ISO 8601 UTC, milliseconds only when not zero. */
export function solrDate(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
