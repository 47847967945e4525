/**
 * GBIF's download predicates (gbif/gbif-api `org.gbif.api.model.predicate`: ConjunctionPredicate
 * `and`, DisjunctionPredicate `or`, NotPredicate, EqualsPredicate, InPredicate, the four range
 * predicates, IsNull/IsNotNull) read with zod and evaluated over the simulator's records. Keys are
 * OccurrenceSearchParameter names (`TAXON_KEY`; camelCase `taxonKey` is accepted too, as the
 * API's deserialiser does). TAXON_KEY matches any rank of the record's classification. Other
 * predicate types (`within`, `geoDistance`, `like`, `fullText`) and keys are a 400 here.
 */
import { z } from "zod";
import type { GbifRecord } from "./data";

type Value = string | number | boolean | null;
export type Predicate =
  | { type: "and" | "or"; predicates: Predicate[] }
  | { type: "not"; predicate: Predicate }
  | { type: "equals" | "greaterThan" | "greaterThanOrEquals" | "lessThan" | "lessThanOrEquals"; key: string; value: string | number }
  | { type: "in"; key: string; values: (string | number)[] }
  | { type: "isNull" | "isNotNull"; parameter: string };

const scalar = z.union([z.string(), z.number()]);
export const predicateSchema: z.ZodType<Predicate> = z.lazy(() =>
  z.union([
    z.object({ type: z.enum(["and", "or"]), predicates: z.array(predicateSchema).min(1) }),
    z.object({ type: z.literal("not"), predicate: predicateSchema }),
    z.object({ type: z.enum(["equals", "greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals"]), key: z.string(), value: scalar }),
    z.object({ type: z.literal("in"), key: z.string(), values: z.array(scalar).min(1) }),
    z.object({ type: z.enum(["isNull", "isNotNull"]), parameter: z.string() }),
  ]),
);

/** TAXON_KEY, taxonKey, taxon_key → TAXON_KEY. */
const canonical = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The values a key has on a record (several for TAXON_KEY: every rank). */
const KEYS: Record<string, (r: GbifRecord) => Value[]> = {
  TAXON_KEY: (r) => [r.taxon.kingdomKey, r.taxon.phylumKey, r.taxon.classKey, r.taxon.speciesKey, r.taxonKey],
  KINGDOM_KEY: (r) => [r.taxon.kingdomKey],
  PHYLUM_KEY: (r) => [r.taxon.phylumKey],
  CLASS_KEY: (r) => [r.taxon.classKey],
  SPECIES_KEY: (r) => [r.taxon.speciesKey],
  SCIENTIFIC_NAME: (r) => [r.taxon.species],
  GBIF_ID: (r) => [r.gbifID],
  OCCURRENCE_ID: (r) => [r.occurrenceID],
  DATASET_KEY: (r) => [r.datasetKey],
  INSTITUTION_CODE: (r) => [r.institutionCode],
  BASIS_OF_RECORD: (r) => [r.basisOfRecord],
  COUNTRY: () => ["AU"],
  HAS_COORDINATE: (r) => [r.decimalLatitude !== null],
  DECIMAL_LATITUDE: (r) => [r.decimalLatitude],
  DECIMAL_LONGITUDE: (r) => [r.decimalLongitude],
  YEAR: (r) => [r.eventDate ? Number(r.eventDate.slice(0, 4)) : null],
  EVENT_DATE: (r) => [r.eventDate],
  LAST_INTERPRETED: (r) => [r.lastInterpreted],
};

export class PredicateError extends Error {}

const NUMERIC = new Set(["TAXON_KEY", "KINGDOM_KEY", "PHYLUM_KEY", "CLASS_KEY", "SPECIES_KEY", "GBIF_ID", "DECIMAL_LATITUDE", "DECIMAL_LONGITUDE", "YEAR"]);

/** The key's accessor, after checking the key and the predicate's values: a bad one is a 400 at the request. */
function values(key: string, wanted: readonly (string | number)[] = []): (r: GbifRecord) => Value[] {
  const name = canonical(key);
  const f = KEYS[name];
  if (!f) throw new PredicateError(`Unknown or unsupported search parameter ${key}`);
  for (const want of wanted) {
    if (name === "LAST_INTERPRETED" && typeof want === "string" && Number.isNaN(Date.parse(want))) throw new PredicateError(`${key}: "${want}" is not a date`);
    if (NUMERIC.has(name) && Number.isNaN(Number(want))) throw new PredicateError(`${key}: "${want}" is not a number`);
  }
  return f;
}

/** A predicate value compared with a record's: dates as ms, numbers as numbers, the rest as text. */
function compare(key: string, have: Value, want: string | number): number | null {
  if (have === null) return null;
  if (canonical(key) === "LAST_INTERPRETED") {
    return (have as number) - (typeof want === "number" ? want : Date.parse(want));
  }
  if (typeof have === "number") {
    return have - Number(want);
  }
  if (typeof have === "boolean") return String(have) === String(want).toLowerCase() ? 0 : 1;
  const a = String(have).toUpperCase();
  const b = String(want).toUpperCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A test of one record; throws PredicateError (at once) for an unknown key or a value of the wrong kind. */
export function compile(p: Predicate): (r: GbifRecord) => boolean {
  switch (p.type) {
    case "and": {
      const parts = p.predicates.map(compile);
      return (r) => parts.every((f) => f(r));
    }
    case "or": {
      const parts = p.predicates.map(compile);
      return (r) => parts.some((f) => f(r));
    }
    case "not": {
      const inner = compile(p.predicate);
      return (r) => !inner(r);
    }
    case "in": {
      const get = values(p.key, p.values);
      return (r) => get(r).some((v) => p.values.some((w) => compare(p.key, v, w) === 0));
    }
    case "isNull":
    case "isNotNull": {
      const get = values(p.parameter);
      return (r) => get(r).every((v) => v === null) === (p.type === "isNull");
    }
    default: {
      const get = values(p.key, [p.value]);
      // Dates given as a day compare by day for equality, as GBIF's date ranges do.
      if (p.type === "equals" && canonical(p.key) === "LAST_INTERPRETED") return (r) => day(r.lastInterpreted) === String(p.value).slice(0, 10);
      const test = { equals: (c: number) => c === 0, greaterThan: (c: number) => c > 0, greaterThanOrEquals: (c: number) => c >= 0, lessThan: (c: number) => c < 0, lessThanOrEquals: (c: number) => c <= 0 }[p.type];
      return (r) =>
        get(r).some((v) => {
          const c = compare(p.key, v, p.value);
          return c !== null && test(c);
        });
    }
  }
}

