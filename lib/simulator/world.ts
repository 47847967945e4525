import { Clock } from "./clock";
import { Columns, FLAG } from "./columns";
import * as d from "./derived";
import { Generator } from "./generate";
import { IdCodec } from "./ids";
import { buildIndexes, type Indexes } from "./indexes";
import { defaultThreads, fillInParallel } from "./parallel";
import { hash2, Rng } from "./prng";
import { taxonGuid } from "./species-data";
import { initialSpecies, makeSpecies, type Species } from "./taxa";
import { ASSERTION_BY_NAME, BASIS_OF_RECORD, BOR, type BasisOfRecord } from "./vocab";

export interface WorldOptions {
  /** Number of records at start. Default 50 000. */
  records?: number;
  seed?: number;
  /** The moment the generated history ends (lastLoadDates are before it). Default 2025-06-01. */
  snapshot?: number | string | Date;
  /** Whether /occurrence/deleted lists deletions (the current ALA's answers an empty list). */
  deletedService?: boolean;
  /** Threads World.create generates with (same world either way). Default: the cores, from four million records. */
  threads?: number;
  /**
   * Taxon ids of another atlas (e.g. `NBNSYS`): species ids are this prefix and a uuid of the
   * name instead of the ALA's AFD ids, so a second simulator plays an atlas with ids of its own.
   */
  taxonIdPrefix?: string;
}

/** Raised for bad control requests (unknown species or record...); `status` is the HTTP answer. */
export class WorldError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** Which records an operation targets: explicit uuids, or `count` chosen at random (within `species`). */
export interface RecordSelection {
  uuids?: string[];
  species?: string;
  count?: number;
}

/** Field changes for updateRecords; null clears a field. */
export interface RecordChanges {
  decimalLatitude?: number | null;
  decimalLongitude?: number | null;
  coordinateUncertaintyInMeters?: number | null;
  year?: number | null;
  month?: number | null;
  day?: number | null;
  basisOfRecord?: BasisOfRecord;
  /** Replaces the record's assertions (names in either style). */
  assertions?: string[];
  duplicateStatus?: "U" | "R" | "D" | null;
  userAssertion?: boolean;
  /** Re-identify the record as another species (guid). */
  speciesGuid?: string;
}

export interface SplitOptions {
  guid: string;
  /** Share of the records (the western part of the range) that go to the new species. Default 0.5. */
  fraction?: number;
  newGuid?: string;
  scientificName?: string;
  vernacularName?: string;
}

export interface SpeciesSummary {
  guid: string;
  scientificName: string;
  vernacularName: string;
  family: string;
  sensitive: boolean;
  retired: boolean;
  count: number;
}

type Tally = Record<string, number>;

export interface SpeciesTruth {
  guid: string;
  scientificName: string;
  vernacularName: string;
  total: number;
  basisOfRecord: Tally;
  spatiallyValid: Tally;
  hasCoordinates: Tally;
  sensitive: Tally;
  duplicateStatus: Tally;
  assertions: Tally;
  userAssertions: Tally;
  year: Tally;
  withImages: number;
}

export interface Truth {
  totalRecords: number;
  deletedRecords: number;
  version: number;
  now: string;
  species: Record<string, SpeciesTruth>;
}

const DEFAULT_SNAPSHOT = Date.UTC(2025, 5, 1);
const DEFAULT_RECORDS = 50_000;

const snapshotOf = (o: WorldOptions) => (o.snapshot === undefined ? DEFAULT_SNAPSHOT : new Date(o.snapshot).getTime());
/** Head room so a few control-API additions do not reallocate twenty million records. */
const capacityFor = (records: number) => records + Math.max(1024, Math.ceil(records * 0.01));

/** Assertion names (either code style) as the column's bit mask; unknown names are a bad request. */
function assertionMask(names: readonly string[]): number {
  let mask = 0;
  for (const name of names) {
    const a = ASSERTION_BY_NAME.get(name);
    if (!a) throw new WorldError(400, `unknown assertion ${name}`);
    mask |= a.bit;
  }
  return mask;
}

/**
 * The simulated ALA index: columns of records, the species, the clock, the deletion log, and the
 * sorted orders queries use. Every mutation bumps `version`, which invalidates indexes and caches.
 */
export class World {
  readonly seed: number;
  readonly ids: IdCodec;
  readonly cols: Columns;
  readonly species: Species[];
  readonly clock = new Clock();
  readonly snapshotMs: number;
  readonly taxonIdPrefix: string | undefined;
  /** Record slots used (live and deleted). */
  count: number;
  version = 0;
  deletedService: boolean;
  private readonly deletedLog: { index: number; at: number }[] = [];
  private readonly generator: Generator;
  private built: Indexes | null = null;
  private truthCache: Truth | null = null;
  private opCounter = 0;

  /**
   * Generates the world in this thread. `filled`: columns whose records World.create already
   * filled in worker threads; only the duplicate links remain to be made.
   */
  constructor(options: WorldOptions = {}, filled?: Columns) {
    const records = options.records ?? DEFAULT_RECORDS;
    this.seed = (options.seed ?? 1) >>> 0;
    this.snapshotMs = snapshotOf(options);
    this.deletedService = options.deletedService ?? false;
    this.ids = new IdCodec(this.seed);
    this.taxonIdPrefix = options.taxonIdPrefix;
    this.species = initialSpecies(options.taxonIdPrefix);
    this.cols = filled ?? new Columns(capacityFor(records));
    this.generator = new Generator(this.seed, this.species, this.snapshotMs, records);
    if (filled) for (let i = 0; i < records; i++) this.generator.link(this.cols, i);
    else for (let i = 0; i < records; i++) this.generator.fill(this.cols, i);
    this.count = records;
  }

  /** The same world as `new World(options)`, generated on several cores when it is large. */
  static async create(options: WorldOptions = {}): Promise<World> {
    const records = options.records ?? DEFAULT_RECORDS;
    const threads = options.threads ?? defaultThreads(records);
    if (threads <= 1) return new World(options);
    const cols = new Columns(capacityFor(records), true);
    await fillInParallel(cols, { seed: (options.seed ?? 1) >>> 0, snapshotMs: snapshotOf(options), records, threads });
    return new World(options, cols);
  }

  // ---- reading ----

  isLive(i: number): boolean {
    return i >= 0 && i < this.count && (this.cols.flags[i] & FLAG.DELETED) === 0 && !this.species[this.cols.species[i]].retired;
  }

  get indexes(): Indexes {
    if (!this.built) {
      const c = this.cols;
      this.built = buildIndexes({
        count: this.count,
        isLive: (i) => this.isLive(i),
        isMoved: (i) => (c.flags[i] & FLAG.MOVED) !== 0,
        keyOf: (i) => this.ids.recordKey(i),
        indexOf: (key) => this.ids.recordAt(key),
        speciesOf: c.species,
        speciesCount: this.species.length,
        lastLoad: c.lastLoad,
      });
    }
    return this.built;
  }

  get liveCount(): number {
    return this.indexes.byLoad.length;
  }

  uuid(i: number): string {
    return this.ids.recordUuid(i);
  }

  /** Index of a live record, or -1. */
  recordIndex(uuid: string): number {
    const i = this.ids.recordIndex(uuid);
    return i >= 0 && this.isLive(i) ? i : -1;
  }

  speciesByGuid(guid: string): Species | undefined {
    return this.species.find((s) => s.guid === guid && !s.retired);
  }

  /** Live records of a species in uuid order (a view; do not modify). */
  speciesRecords(s: number): Uint32Array {
    const { bySpecies, speciesStart } = this.indexes;
    return bySpecies.subarray(speciesStart[s], speciesStart[s + 1]);
  }

  speciesList(): SpeciesSummary[] {
    return this.species.map((s) => ({
      guid: s.guid,
      scientificName: s.scientificName,
      vernacularName: s.vernacularName,
      family: s.family,
      sensitive: s.generaliseDecimals !== null,
      retired: s.retired,
      count: s.retired ? 0 : this.speciesRecords(s.index).length,
    }));
  }

  speciesUuids(guid: string): string[] {
    const sp = this.requireSpecies(guid);
    return Array.from(this.speciesRecords(sp.index), (i) => this.uuid(i));
  }

  /** uuids deleted at or after `sinceMs`, or [] while the deleted service is off (as on the current ALA). */
  deletedSince(sinceMs: number): string[] {
    if (!this.deletedService) return [];
    return this.deletedLog.filter((e) => e.at >= sinceMs).map((e) => this.uuid(e.index));
  }

  // ---- changing ----

  addRecords(options: { count: number; species?: string }): string[] {
    const sp = options.species === undefined ? undefined : this.requireSpecies(options.species);
    const now = this.clock.now();
    this.cols.grow(this.count + options.count > this.cols.capacity ? Math.ceil((this.count + options.count) * 1.25) : 0);
    const added: string[] = [];
    for (let k = 0; k < options.count; k++) {
      const i = this.count++;
      const promoted = this.generator.fill(this.cols, i, sp?.index, now);
      if (promoted >= 0) this.touch(promoted, now); // its duplicateStatus changed: reprocessed
      added.push(this.uuid(i));
    }
    this.changed();
    return added;
  }

  updateRecords(selection: RecordSelection & { set?: RecordChanges }): string[] {
    const targets = this.select(selection);
    const set = selection.set;
    const into = set?.speciesGuid === undefined ? undefined : this.requireSpecies(set.speciesGuid);
    // Checked before anything changes: a bad request leaves every record as it was.
    const assertions = set?.assertions === undefined ? undefined : assertionMask(set.assertions);
    const now = this.clock.now();
    const c = this.cols;
    for (const i of targets) {
      if (set) this.apply(i, set, into, assertions);
      else if (c.hasCoordinates(i)) {
        // Default change: a re-georeferenced record.
        const rng = new Rng(hash2(this.seed ^ this.version, i));
        const lat = Math.round((c.lat(i) + (rng.next() - 0.5) * 0.02) * 1e4) / 1e4;
        c.setPosition(i, lat, Math.round((c.lon(i) + (rng.next() - 0.5) * 0.02) * 1e4) / 1e4);
      } else {
        c.uncertainty[i] = 1000;
      }
      this.touch(i, now);
    }
    this.changed();
    return targets.map((i) => this.uuid(i));
  }

  deleteRecords(selection: RecordSelection): string[] {
    const targets = this.select(selection);
    this.markDeleted(targets);
    this.changed();
    return targets.map((i) => this.uuid(i));
  }

  /** The western part of a species' records becomes a new species (their lastLoadDate bumped). */
  splitSpecies(options: SplitOptions): { species: SpeciesSummary; moved: number } {
    const from = this.requireSpecies(options.guid);
    const fraction = options.fraction ?? 0.5;
    const records = Array.from(this.speciesRecords(from.index));
    const lons = records.filter((i) => this.cols.hasCoordinates(i)).map((i) => this.cols.lon(i)).sort((a, b) => a - b);
    const threshold = lons.length ? lons[Math.min(lons.length - 1, Math.floor(lons.length * fraction))] : 0;
    const epithet = from.scientificName.split(" ")[1];
    const scientificName = options.scientificName ?? `${from.genus} ${epithet}-occidentalis`;
    const guid = options.newGuid ?? taxonGuid(scientificName, this.taxonIdPrefix);
    if (this.species.some((s) => s.guid === guid && !s.retired)) throw new WorldError(400, `species ${guid} already exists`);
    const created = makeSpecies(
      { ...from, scientificName, vernacularName: options.vernacularName ?? `Western ${from.vernacularName}` },
      this.species.length,
      guid,
      this.taxonIdPrefix,
    );
    const west = from.blobs.filter((b) => b.lon < threshold);
    if (west.length) {
      created.blobs = west;
      created.hotspots = from.hotspots.filter((h) => h.lon < threshold);
      if (!created.hotspots.length) created.hotspots = from.hotspots;
    }
    this.species.push(created);
    const now = this.clock.now();
    let moved = 0;
    for (const i of records) {
      const west = this.cols.hasCoordinates(i) ? this.cols.lon(i) < threshold : hash2(this.seed, i) / 2 ** 32 < fraction;
      if (!west) continue;
      this.cols.species[i] = created.index;
      this.touch(i, now);
      moved++;
    }
    this.changed();
    return { species: this.speciesList()[created.index], moved };
  }

  /** All records of `from` become `into` (lastLoadDate bumped); `from` is retired. */
  mergeSpecies(options: { from: string; into: string }): { moved: number } {
    const from = this.requireSpecies(options.from);
    const into = this.requireSpecies(options.into);
    if (from === into) throw new WorldError(400, "cannot merge a species into itself");
    const now = this.clock.now();
    const records = this.speciesRecords(from.index).slice();
    for (const i of records) {
      this.cols.species[i] = into.index;
      this.touch(i, now);
    }
    from.retired = true;
    this.changed();
    return { moved: records.length };
  }

  /** The species goes away with all its records (they are deleted, so the deletion log lists them). */
  retireSpecies(options: { guid: string }): { deleted: number } {
    const sp = this.requireSpecies(options.guid);
    const records = this.speciesRecords(sp.index).slice();
    this.markDeleted(records);
    sp.retired = true;
    this.changed();
    return { deleted: records.length };
  }

  // ---- ground truth ----

  truth(): Truth {
    if (this.truthCache) return this.truthCache;
    const species: Record<string, SpeciesTruth> = {};
    const inc = (t: Tally, k: string) => (t[k] = (t[k] ?? 0) + 1);
    for (const sp of this.species) {
      if (sp.retired) continue;
      const t: SpeciesTruth = {
        guid: sp.guid,
        scientificName: sp.scientificName,
        vernacularName: sp.vernacularName,
        total: 0,
        basisOfRecord: {},
        spatiallyValid: {},
        hasCoordinates: {},
        sensitive: {},
        duplicateStatus: {},
        assertions: {},
        userAssertions: {},
        year: {},
        withImages: 0,
      };
      for (const i of this.speciesRecords(sp.index)) {
        t.total++;
        inc(t.basisOfRecord, BASIS_OF_RECORD[this.cols.bor[i]]);
        inc(t.spatiallyValid, String(d.spatiallyValid(this, i) ?? "missing"));
        inc(t.hasCoordinates, String(d.hasCoordinates(this, i)));
        inc(t.sensitive, d.sensitive(this, i) ?? "none");
        inc(t.duplicateStatus, d.duplicateStatus(this, i) ?? "missing");
        for (const a of d.assertionList(this, i)) inc(t.assertions, a);
        inc(t.userAssertions, d.userAssertionStatus(this, i) ?? "none");
        inc(t.year, this.cols.year[i] ? String(this.cols.year[i]) : "missing");
        if (this.cols.imageCount(i) > 0) t.withImages++;
      }
      if (t.total > 0) species[sp.guid] = t;
    }
    this.truthCache = {
      totalRecords: this.liveCount,
      deletedRecords: this.deletedLog.length,
      version: this.version,
      now: new Date(this.clock.now()).toISOString(),
      species,
    };
    return this.truthCache;
  }

  // ---- internals ----

  /** The record was reprocessed: new lastLoadDate, so it moves in load order. */
  private touch(i: number, now: number): void {
    this.cols.lastLoad[i] = now;
    this.cols.flags[i] |= FLAG.MOVED;
  }

  private changed(): void {
    this.version++;
    this.built = null;
    this.truthCache = null;
  }

  private requireSpecies(guid: string): Species {
    const sp = this.speciesByGuid(guid);
    if (!sp) throw new WorldError(404, `no species ${guid}`);
    return sp;
  }

  private select(selection: RecordSelection): number[] {
    if (selection.uuids) {
      return selection.uuids.map((u) => {
        const i = this.recordIndex(u);
        if (i < 0) throw new WorldError(404, `no record ${u}`);
        return i;
      });
    }
    const pool = selection.species === undefined ? this.indexes.byLoad : this.speciesRecords(this.requireSpecies(selection.species).index);
    const count = Math.min(selection.count ?? 1, pool.length);
    if (count === pool.length) return Array.from(pool);
    // Deterministic choice: seeded by the world's seed and how many operations came before.
    const rng = new Rng(hash2(this.seed, ++this.opCounter));
    const picked = new Set<number>();
    while (picked.size < count) picked.add(pool[rng.int(pool.length)]);
    return [...picked].sort((a, b) => a - b);
  }

  private markDeleted(indices: Iterable<number>): void {
    const now = this.clock.now();
    for (const i of indices) {
      this.cols.flags[i] |= FLAG.DELETED;
      this.deletedLog.push({ index: i, at: now });
    }
  }

  private apply(i: number, set: RecordChanges, into: Species | undefined, assertions: number | undefined): void {
    const c = this.cols;
    const num = (v: number | null | undefined, missing: number) => (v === null || v === undefined ? missing : v);
    // Setting one coordinate keeps the other; clearing either clears the position, as the ALA does.
    if (set.decimalLatitude !== undefined || set.decimalLongitude !== undefined) {
      c.setPosition(i, set.decimalLatitude === undefined ? c.lat(i) : num(set.decimalLatitude, NaN), set.decimalLongitude === undefined ? c.lon(i) : num(set.decimalLongitude, NaN));
    }
    if (set.coordinateUncertaintyInMeters !== undefined) c.uncertainty[i] = num(set.coordinateUncertaintyInMeters, NaN);
    if (set.year !== undefined) c.year[i] = num(set.year, 0);
    if (set.month !== undefined) c.month[i] = num(set.month, 0);
    if (set.day !== undefined) c.day[i] = num(set.day, 0);
    if (set.basisOfRecord !== undefined) c.bor[i] = BOR[set.basisOfRecord];
    if (set.duplicateStatus !== undefined) c.dup[i] = set.duplicateStatus === null ? 0 : " URD".indexOf(set.duplicateStatus);
    if (set.userAssertion !== undefined) c.flags[i] = set.userAssertion ? c.flags[i] | FLAG.USER_ASSERTION : c.flags[i] & ~FLAG.USER_ASSERTION;
    if (assertions !== undefined) c.assertions[i] = assertions;
    if (into) c.species[i] = into.index;
  }
}
