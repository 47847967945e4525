import { field, fieldValues, type FieldDef } from "./fields";
import { lowerBound } from "./indexes";
import { parseQuery, QueryError, type Node } from "./query";
import type { World } from "./world";

/**
 * Runs queries against the world: picks the smallest candidate list an index gives (a species,
 * a lastLoadDate range, one id, or everything), filters it with the remaining clauses, sorts,
 * and caches the result per world version so paging through it is O(pageSize).
 */

export type Predicate = (i: number) => boolean;

const DATE_MATH = /^NOW((?:[+-]\d+(?:YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?))*)(?:\/(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND))?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };

/** Solr date syntax: ISO 8601 in UTC (`2024-01-01T00:00:00Z`) or date math on NOW. */
export function parseSolrDate(text: string, nowMs: number): number {
  if (ISO_DATE.test(text)) return Date.parse(text);
  const m = DATE_MATH.exec(text);
  if (!m) throw new QueryError(`Invalid Date String:'${text}'`);
  const d = new Date(nowMs);
  for (const [, sign, n, unit] of m[1].matchAll(/([+-])(\d+)([A-Z]+?)S?(?=[+-]|$)/g)) {
    const k = (sign === "-" ? -1 : 1) * Number(n);
    if (unit === "YEAR") d.setUTCFullYear(d.getUTCFullYear() + k);
    else if (unit === "MONTH") d.setUTCMonth(d.getUTCMonth() + k);
    else d.setTime(d.getTime() + k * UNIT_MS[unit]);
  }
  const round = m[2];
  if (round === "YEAR") return Date.UTC(d.getUTCFullYear(), 0, 1);
  if (round === "MONTH") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (round) return Math.floor(d.getTime() / UNIT_MS[round]) * UNIT_MS[round];
  return d.getTime();
}

function parseNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new QueryError(`Invalid Number: ${text}`);
  return n;
}

/** Compile a parsed query to a predicate over record indices. */
export function compile(node: Node, w: World): Predicate {
  switch (node.type) {
    case "all":
      return () => true;
    case "not": {
      const p = compile(node.node, w);
      return (i) => !p(i);
    }
    case "and": {
      const ps = node.nodes.map((n) => compile(n, w));
      return (i) => ps.every((p) => p(i));
    }
    case "or": {
      const table = speciesSetTable(node, w);
      if (table) return (i) => table[w.cols.species[i]] === 1;
      const ps = node.nodes.map((n) => compile(n, w));
      return (i) => ps.some((p) => p(i));
    }
    case "text": {
      const t = node.value.toLowerCase();
      const table = Uint8Array.from(w.species, (s) => +(s.scientificName.toLowerCase().includes(t) || s.vernacularName.toLowerCase().includes(t)));
      return (i) => table[w.cols.species[i]] === 1;
    }
    default:
      return compileField(node, w);
  }
}

type FieldNode = Extract<Node, { field: FieldDef }>;

/** A test on one string value, shared by the table-driven and per-record field kinds. */
function stringTest(node: FieldNode, w: World): (v: string) => boolean {
  const f = node.field;
  if (node.type === "exists") return () => true;
  if (node.type === "term") {
    if (f.kind === "date" && !node.prefix) {
      const t = parseSolrDate(node.value, w.clock.now());
      return (v) => Date.parse(v) === t;
    }
    return node.prefix ? (v) => v.startsWith(node.value) : (v) => v === node.value;
  }
  const { lo, hi, loInclusive, hiInclusive } = node;
  return (v) =>
    (lo === null || (loInclusive ? v >= lo : v > lo)) && (hi === null || (hiInclusive ? v <= hi : v < hi));
}

/** 1 for each species whose value passes the clause. */
function speciesTable(node: FieldNode, w: World): Uint8Array {
  const f = node.field as Extract<FieldDef, { kind: "species" }>;
  const test = stringTest(node, w);
  return Uint8Array.from(w.species, (s) => {
    const v = f.value(s);
    return +(typeof v === "string" ? test(v) : v.some(test));
  });
}

/**
 * 1 for each species a species clause passes, or an OR of them (`speciesID:(a OR b OR …)`, how the
 * sync asks for a download of many species); null for any other clause. One table look-up a record
 * instead of one a term: a download of hundreds of species had cost a second a request at 1 M records.
 */
function speciesSetTable(node: Node, w: World): Uint8Array | null {
  if (node.type === "term" && node.field.kind === "species") return speciesTable(node, w);
  if (node.type !== "or") return null;
  const out = new Uint8Array(w.species.length);
  for (const n of node.nodes) {
    const t = speciesSetTable(n, w);
    if (!t) return null;
    for (let s = 0; s < out.length; s++) out[s] |= t[s];
  }
  return out;
}

function compileField(node: FieldNode, w: World): Predicate {
  const f = node.field;
  const c = w.cols;
  switch (f.kind) {
    case "species": {
      const table = speciesTable(node, w);
      return (i) => table[c.species[i]] === 1;
    }
    case "code": {
      const test = stringTest(node, w);
      const table = Uint8Array.from({ length: f.codes }, (_, code) => {
        const label = f.label(code);
        return +(label !== undefined && test(label));
      });
      return (i) => table[f.code(w, i)] === 1;
    }
    case "number":
    case "date": {
      const value = f.value;
      if (node.type === "exists") return (i) => !Number.isNaN(value(w, i));
      if (node.type === "term" && node.prefix) throw new QueryError(`wildcards are not supported on ${node.name}`);
      const parse = f.kind === "date" ? (t: string) => parseSolrDate(t, w.clock.now()) : parseNumber;
      if (node.type === "term") {
        const t = parse(node.value);
        return (i) => value(w, i) === t;
      }
      const lo = node.lo === null ? -Infinity : parse(node.lo);
      const hi = node.hi === null ? Infinity : parse(node.hi);
      const { loInclusive, hiInclusive } = node;
      return (i) => {
        const v = value(w, i);
        return !Number.isNaN(v) && (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
      };
    }
    case "string": {
      const test = stringTest(node, w);
      return (i) => {
        const v = f.value(w, i);
        return v !== undefined && test(v);
      };
    }
    case "multi": {
      const test = stringTest(node, w);
      return (i) => {
        const vs = f.values(w, i);
        return vs !== undefined && vs.some(test);
      };
    }
  }
}

/** The records of a query in a known order, and how they were found (for facets' fast paths). */
interface Candidates {
  records: Uint32Array;
  order: "id" | "load" | "none";
  /** The clause the candidates already satisfy exactly (left out of filtering). */
  covered: Node | null;
}

function conjuncts(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => (n.type === "and" ? conjuncts(n.nodes) : n.type === "all" ? [] : [n]));
}

function isLoadDate(f: FieldDef): boolean {
  return f.names[0] === "lastLoadDate";
}

function candidates(w: World, clauses: Node[]): Candidates {
  const idx = w.indexes;
  let best: Candidates = { records: idx.byLoad, order: "load", covered: null };
  for (const node of clauses) {
    let found: Candidates | null = null;
    const table = speciesSetTable(node, w);
    if (table) {
      const species = w.species.filter((s) => table[s.index] === 1 && !s.retired);
      // A clause many species pass (class:Aves passes them all) is sized before it is gathered:
      // copying a million record numbers on every request was most of a species query's time.
      const size = species.reduce((n, s) => n + w.speciesRecords(s.index).length, 0);
      if (size >= best.records.length) continue;
      if (species.length === 1) found = { records: w.speciesRecords(species[0].index), order: "id", covered: node };
      else {
        const parts = species.map((s) => w.speciesRecords(s.index));
        const all = new Uint32Array(parts.reduce((a, p) => a + p.length, 0));
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        found = { records: all, order: "none", covered: node };
      }
    } else if (node.type === "range" && isLoadDate(node.field)) {
      const now = w.clock.now();
      const key = (i: number) => w.cols.lastLoad[i];
      const lo = node.lo === null ? 0 : lowerBound(idx.byLoad, key, parseSolrDate(node.lo, now) + (node.loInclusive ? 0 : 1));
      const hi = node.hi === null ? idx.byLoad.length : lowerBound(idx.byLoad, key, parseSolrDate(node.hi, now) + (node.hiInclusive ? 1 : 0));
      found = { records: idx.byLoad.subarray(lo, Math.max(lo, hi)), order: "load", covered: node };
    } else if (node.type === "term" && node.field.names[0] === "id") {
      const i = w.recordIndex(node.value);
      found = { records: Uint32Array.from(i >= 0 ? [i] : []), order: "id", covered: node };
    }
    if (found && found.records.length < best.records.length) best = found;
  }
  return best;
}

export type SortKey = { by: "load" } | { by: "id" } | { by: "field"; field: FieldDef; desc: boolean };

/** Resolve a sort parameter: score (the default) and lastLoadDate use the load order. */
export function sortKey(sort: string | undefined, desc: boolean): SortKey {
  if (!sort || sort === "score") return { by: "load" };
  const f = field(sort);
  if (!f) throw new QueryError(`sort param field can't be found: ${sort}`);
  if (f.names[0] === "id") return { by: "id" };
  if (isLoadDate(f)) return { by: "load" };
  if (f.kind !== "number" && f.kind !== "date") throw new QueryError(`can not sort on multivalued or text field: ${sort}`);
  return { by: "field", field: f, desc };
}

function sortRecords(w: World, records: Uint32Array, have: Candidates["order"], key: SortKey): Uint32Array {
  if (key.by === "load") {
    if (have === "load") return records;
    const { loadRank, byLoad } = w.indexes;
    const ranks = records.map((i) => loadRank[i]).sort();
    return ranks.map((r) => byLoad[r]);
  }
  if (key.by === "id") {
    if (have === "id") return records;
    return records
      .map((i) => w.ids.recordKey(i))
      .sort()
      .map((k) => w.ids.recordAt(k));
  }
  if (key.field.kind !== "number" && key.field.kind !== "date") throw new QueryError("unsortable field");
  const f = key.field;
  const sign = key.desc ? -1 : 1;
  // Missing values sort last in both directions, as Solr's sortMissingLast fields do.
  const value = (i: number) => f.value(w, i);
  return records.slice().sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
    return sign * (va - vb) || w.ids.recordKey(a) - w.ids.recordKey(b);
  });
}

export interface Query {
  q?: string;
  fq?: readonly string[];
}

export interface FacetOptions {
  limit: number;
  offset: number;
  sort: "count" | "index";
  prefix?: string;
}

export interface FacetResult {
  fieldName: string;
  fieldResult: { label: string; i18nCode: string; count: number; fq: string }[];
  count: number;
}

const CACHE_SIZE = 8;

export class SearchEngine {
  private readonly cache = new Map<string, { version: number; records: Uint32Array }>();

  constructor(private readonly world: World) {}

  /** Matching records, sorted ascending by the key (callers walk backwards for dir=desc). */
  run(query: Query, key: SortKey): Uint32Array {
    const w = this.world;
    const cacheKey = JSON.stringify([query.q ?? "", query.fq ?? [], key.by, key.by === "field" ? [key.field.names[0], key.desc] : null]);
    const hit = this.cache.get(cacheKey);
    if (hit && hit.version === w.version) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, hit);
      return hit.records;
    }
    const nodes = [parseQuery(query.q?.trim() || "*:*"), ...(query.fq ?? []).filter((f) => f.trim() !== "").map(parseQuery)];
    const clauses = conjuncts(nodes);
    const cand = candidates(w, clauses);
    const rest = clauses.filter((c) => c !== cand.covered).map((c) => compile(c, w));
    let records = cand.records;
    if (rest.length) {
      const out = new Uint32Array(records.length);
      let n = 0;
      for (let j = 0; j < records.length; j++) {
        const i = records[j];
        if (rest.every((p) => p(i))) out[n++] = i;
      }
      records = out.slice(0, n);
    }
    records = sortRecords(w, records, cand.order, key);
    this.cache.set(cacheKey, { version: w.version, records });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return records;
  }

  facets(query: Query, names: readonly string[], options: FacetOptions): FacetResult[] {
    const w = this.world;
    const defs = names.map((name) => {
      const f = field(name);
      if (!f) throw new QueryError(`undefined field ${name}`);
      return [name, f] as const;
    });
    const records = this.run(query, { by: "load" });
    const out: FacetResult[] = [];
    for (const [name, f] of defs) {
      const counts = tally(w, f, records);
      let entries = [...counts].filter(([label, n]) => n > 0 && (!options.prefix || label.startsWith(options.prefix)));
      entries.sort(options.sort === "index" ? (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const distinct = entries.length;
      entries = entries.slice(options.offset, options.limit < 0 ? undefined : options.offset + options.limit);
      // Like the biocache, a facet with nothing to show is left out.
      if (!entries.length) continue;
      out.push({
        fieldName: name,
        fieldResult: entries.map(([label, count]) => ({
          label,
          i18nCode: `${name}.${label}`,
          count,
          fq: `${name}:"${label.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`,
        })),
        count: distinct,
      });
    }
    return out;
  }
}

function tally(w: World, f: FieldDef, records: Uint32Array): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (label: string, n: number) => counts.set(label, (counts.get(label) ?? 0) + n);
  if (f.kind === "species" || f.kind === "code") {
    const size = f.kind === "species" ? w.species.length : f.codes;
    const per = new Float64Array(size);
    if (f.kind === "species") for (let j = 0; j < records.length; j++) per[w.cols.species[records[j]]]++;
    else for (let j = 0; j < records.length; j++) per[f.code(w, records[j])]++;
    for (let k = 0; k < size; k++) {
      if (!per[k]) continue;
      if (f.kind === "code") {
        const label = f.label(k);
        if (label !== undefined) add(label, per[k]);
      } else {
        const v = f.value(w.species[k]);
        for (const label of typeof v === "string" ? [v] : v) add(label, per[k]);
      }
    }
    return counts;
  }
  for (let j = 0; j < records.length; j++) for (const label of fieldValues(f, w, records[j])) add(label, 1);
  return counts;
}
