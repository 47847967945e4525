/**
 * Every biocache index field name the sync uses, in one place. The service accepts both the
 * legacy snake_case names and the current camelCase ones; a deployment picks a style
 * (docs/ala-api.md, "Fields").
 */

export type FieldStyle = "legacy" | "current";

const LEGACY = {
  speciesId: "species_guid",
  taxonConceptId: "taxon_concept_lsid",
  lastLoadDate: "last_load_date",
  firstLoadedDate: "first_loaded_date",
  basisOfRecord: "basis_of_record",
  assertions: "assertions",
  userAssertions: "user_assertions",
  spatiallyValid: "geospatial_kosher",
  duplicateStatus: "duplicate_status",
  sensitive: "sensitive",
  taxonClass: "class",
  speciesGroup: "species_group",
  multimedia: "multimedia",
  id: "id",
} as const;

export type FieldKey = keyof typeof LEGACY;
export type FieldNames = Readonly<Record<FieldKey, string>>;

const CURRENT: FieldNames = {
  speciesId: "speciesID",
  taxonConceptId: "taxonConceptID",
  lastLoadDate: "lastLoadDate",
  firstLoadedDate: "firstLoadedDate",
  basisOfRecord: "basisOfRecord",
  assertions: "assertions",
  userAssertions: "userAssertions",
  spatiallyValid: "spatiallyValid",
  duplicateStatus: "duplicateStatus",
  sensitive: "sensitive",
  taxonClass: "class",
  speciesGroup: "speciesGroup",
  multimedia: "multimedia",
  id: "id",
};

export interface AlaFields extends FieldNames {
  style: FieldStyle;
  /** fq selecting birds. `class:Aves` is taxonomic and the same in both styles, so it is preferred over the species group. */
  birdFilter: string;
  /** A stable sort for paging (the record id). */
  sortById: string;
}

/** The field names of one style. */
export function alaFields(style: FieldStyle = "current"): AlaFields {
  const names = style === "legacy" ? LEGACY : CURRENT;
  return { ...names, style, birdFilter: fqEquals(names.taxonClass, "Aves"), sortById: names.id };
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Values made only of these need no quotes in Solr syntax; anything else is quoted.
const PLAIN_VALUE = /^[A-Za-z0-9_.]+$/;

function checkField(field: string): void {
  if (!FIELD_NAME.test(field)) throw new Error(`not a field name: ${JSON.stringify(field)}`);
}

/** Solr phrase quoting: backslash and double quote are the only characters to escape inside quotes. */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `field:value`, quoting the value when it holds anything but letters, digits, `_` and `.`. */
export function fqEquals(field: string, value: string | number | boolean): string {
  checkField(field);
  const text = String(value);
  return `${field}:${PLAIN_VALUE.test(text) ? text : quoteValue(text)}`;
}

/** `-field:value`: excludes the matching records. */
export function fqNotEquals(field: string, value: string | number | boolean): string {
  return `-${fqEquals(field, value)}`;
}

export type RangeBound = Date | number | null | undefined;

/** Dates in the form Solr wants: `2024-01-01T00:00:00Z` (whole seconds, UTC). */
export function solrDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error("invalid date in a range filter");
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function bound(value: RangeBound): string {
  if (value === null || value === undefined) return "*";
  if (value instanceof Date) return solrDate(value);
  if (!Number.isFinite(value)) throw new Error(`invalid number in a range filter: ${value}`);
  return String(value);
}

/** `field:[from TO to]` (inclusive); null/undefined bounds are open (`*`). */
export function fqRange(field: string, from: RangeBound, to: RangeBound): string {
  checkField(field);
  return `${field}:[${bound(from)} TO ${bound(to)}]`;
}
