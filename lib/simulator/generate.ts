import { civilDate } from "@/lib/domain/civil-date";
import { Columns, FLAG } from "./columns";
import { CENTRE_OF_AUSTRALIA, onLand, STATE_CENTRES } from "./geo";
import { hash2, Rng } from "./prng";
import { COLLECTOR_COUNT, DATA_RESOURCES } from "./resources";
import { speciesWeights, type Species } from "./taxa";
import { A as ASSERTION_BITS, BOR } from "./vocab";

// Local copies: module bindings compile to getters under tsx/vitest, too slow in the per-record loop.
const A = { ...ASSERTION_BITS };
const isLand = onLand;

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
/** The ALA started loading records in 2010. */
const LOAD_START = Date.UTC(2010, 0, 1);
const EARLIEST_EVENT = Date.UTC(1850, 0, 1);
/** Records with these are never made duplicates: the copy would contradict its own assertions. */
const PLACE_DATE_ISSUES =
  A.ZERO_COORDINATE | A.COORDINATE_OUT_OF_RANGE | A.COORDINATES_CENTRE_OF_COUNTRY | A.COORDINATES_CENTRE_OF_STATEPROVINCE |
  A.detectedOutlier | A.HABITAT_MISMATCH | A.COUNTRY_COORDINATE_MISMATCH | A.FIRST_OF_MONTH | A.FIRST_OF_YEAR |
  A.FIRST_OF_CENTURY | A.RECORDED_DATE_INVALID;
/** duplicateStatus placeholder between fillRecord() and link(): drew to be a duplicate. */
const CANDIDATE = 4;
const UNCERTAINTIES = [5, 10, 10, 20, 30, 30, 50, 100, 100, 250, 500, 1000, 2000, 5000, 10000, 25000];

function cumulative(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) c[i] = sum += weights[i];
  for (let i = 0; i < c.length; i++) c[i] /= sum;
  return c;
}

function sample(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

function round(x: number, decimals: number): number {
  const f = POW10[decimals];
  return Math.round(x * f) / f;
}

/** Full reprocessing runs (6 hours each) and the share of records whose lastLoadDate falls in each. */
const REINDEXES: readonly (readonly [start: number, share: number])[] = [
  [Date.UTC(2019, 6, 1), 0.1],
  [Date.UTC(2021, 6, 12), 0.1],
  [Date.UTC(2022, 9, 15), 0.12],
  [Date.UTC(2023, 8, 20), 0.12],
  [Date.UTC(2024, 10, 5), 0.17],
];
const REINDEX_HOURS = 6 * 3_600_000;

/**
 * lastLoadDate as a non-decreasing function of the record's position u in [0, 1): the index is
 * generated in load order, like a real index's documents, so the (lastLoadDate) order needs no sort.
 * Between reindexes records trickle in; after the last one, live feeds keep loading up to the snapshot.
 */
function loadSegments(snapshotMs: number): { start: number; end: number; share: number }[] {
  const segs: { start: number; end: number; share: number }[] = [];
  let t = LOAD_START;
  for (const [start, share] of REINDEXES) {
    if (start + REINDEX_HOURS > snapshotMs) break;
    segs.push({ start: t, end: start, share: t === LOAD_START ? 0.06 : 0.02 });
    segs.push({ start, end: start + REINDEX_HOURS, share });
    t = start + REINDEX_HOURS;
  }
  segs.push({ start: t, end: snapshotMs, share: 0.25 });
  const total = segs.reduce((a, g) => a + g.share, 0);
  for (const g of segs) g.share /= total;
  return segs;
}

/**
 * Writes record i into the columns. The draws depend only on (seed, i) and the species' state;
 * duplicates also look at the previous record of the same species, which is deterministic too.
 */
export class Generator {
  private readonly rng = new Rng();
  private readonly cumSpecies: Float64Array;
  private readonly cumResource = cumulative(DATA_RESOURCES.map((r) => r.weight));
  private readonly cumBasis = DATA_RESOURCES.map((r) => cumulative(r.basis.map(([, w]) => w)));
  private readonly segments: { start: number; end: number; share: number }[];
  private readonly date = { y: 0, m: 0, d: 0 };
  /** Last record generated per species, for duplicate groups (-1: none). */
  private readonly lastOfSpecies: Int32Array;

  constructor(
    private readonly seed: number,
    private readonly species: Species[],
    snapshotMs: number,
    /** Number of records in the generated history (positions spread over the load segments). */
    private readonly historySize: number,
  ) {
    this.cumSpecies = cumulative(speciesWeights(species, seed));
    this.segments = loadSegments(snapshotMs);
    this.lastOfSpecies = new Int32Array(65536).fill(-1);
  }

  /** lastLoadDate at position u of the generated history. */
  private loadTimeAt(u: number): number {
    for (const g of this.segments) {
      if (u < g.share) return g.start + (u / g.share) * (g.end - g.start);
      u -= g.share;
    }
    const g = this.segments[this.segments.length - 1];
    return g.end;
  }

  /**
   * Fill record i. `speciesIndex` forces the species; `loadedAt` (ms) makes it a fresh load at that
   * time instead of a historical one. Returns the index of an older record whose duplicateStatus
   * changed (it became a representative), or -1.
   */
  fill(c: Columns, i: number, speciesIndex?: number, loadedAt?: number): number {
    this.fillRecord(c, i, speciesIndex, loadedAt);
    return this.link(c, i);
  }

  /**
   * Everything of record i that depends on (seed, i) alone, so records can be filled in any order
   * or thread. A record that drew to duplicate an earlier one is left marked CANDIDATE for link().
   */
  fillRecord(c: Columns, i: number, speciesIndex?: number, loadedAt?: number): void {
    const rng = this.rng.seed(hash2(this.seed, i));
    let s = speciesIndex ?? sample(this.cumSpecies, rng.next());
    for (let tries = 0; this.species[s].retired && speciesIndex === undefined && tries < 20; tries++) {
      s = sample(this.cumSpecies, rng.next());
    }
    const sp = this.species[s];
    const ri = sample(this.cumResource, rng.next());
    const res = DATA_RESOURCES[ri];
    const bor = res.basis[sample(this.cumBasis[ri], rng.next())][0];
    const specimen = bor === BOR.PRESERVED_SPECIMEN || bor === BOR.FOSSIL_SPECIMEN || bor === BOR.MATERIAL_CITATION;
    c.species[i] = s;
    c.resource[i] = ri;
    c.bor[i] = bor;
    let mask = 0;
    let flags = 0;

    // Load history first (it follows the record's position), then an event date before it.
    let last: number;
    let first: number;
    if (loadedAt !== undefined) {
      last = first = loadedAt;
    } else {
      last = this.loadTimeAt((i + 0.5) / this.historySize);
      first = rng.chance(0.6) ? last - rng.next() ** 2 * (last - LOAD_START) : Math.max(LOAD_START, last + Math.log(1 - rng.next()) * 40 * DAY);
    }
    c.lastLoad[i] = Math.floor(last);
    c.firstLoad[i] = Math.floor(first / 1000);

    // Date: observations shortly before their first load, some from old backlogs; specimens are old.
    let year = 0;
    let month = 0;
    let day = 0;
    const du = rng.next();
    if (du < (specimen ? 0.1 : 0.008) || bor === BOR.FOSSIL_SPECIMEN) {
      mask |= A.MISSING_COLLECTION_DATE;
    } else {
      let eventMs: number;
      if (specimen) eventMs = EARLIEST_EVENT + rng.next() ** 1.5 * 150 * YEAR;
      else if (rng.chance(0.03)) eventMs = EARLIEST_EVENT + rng.next() * (first - EARLIEST_EVENT);
      else eventMs = first + Math.log(1 - rng.next()) * (rng.chance(0.75) ? 45 * DAY : 6 * YEAR);
      const date = this.date;
      civilDate(Math.floor(Math.max(EARLIEST_EVENT, Math.min(eventMs, first)) / DAY), date);
      year = date.y;
      if (du > 0.99) {
        // year only
      } else {
        month = date.m;
        day = rng.chance(0.02) ? 1 : date.d;
        if (day === 1) mask |= A.FIRST_OF_MONTH;
        if (day === 1 && month === 1) mask |= A.FIRST_OF_YEAR;
        if (day === 1 && month === 1 && year % 100 === 0) mask |= A.FIRST_OF_CENTURY;
      }
      if (rng.chance(0.002)) mask |= A.RECORDED_DATE_INVALID;
    }
    c.year[i] = year;
    c.month[i] = month;
    c.day[i] = day;

    // Position: mostly within the species' range, with the usual data problems at low rates.
    let lat = NaN;
    let lon = NaN;
    let decimals = res.decimals;
    const pu = rng.next();
    let p = specimen ? 0.12 : 0.015;
    if (pu < p) {
      // no coordinates
    } else if (pu < (p += 0.0015)) {
      lat = 0;
      lon = 0;
      mask |= A.ZERO_COORDINATE;
    } else if (pu < (p += 0.001)) {
      lat = -(90 + rng.next() * 20);
      lon = 110 + rng.next() * 100;
      mask |= A.COORDINATE_OUT_OF_RANGE;
    } else if (pu < (p += 0.002)) {
      ({ lat, lon } = CENTRE_OF_AUSTRALIA);
      decimals = 6;
      mask |= A.COORDINATES_CENTRE_OF_COUNTRY;
    } else if (pu < (p += 0.002)) {
      ({ lat, lon } = rng.pick(STATE_CENTRES));
      mask |= A.COORDINATES_CENTRE_OF_STATEPROVINCE;
    } else if (pu < (p += 0.01)) {
      // anywhere on the continent: an outlier for most species
      do {
        lat = -11 - rng.next() * 32;
        lon = 113 + rng.next() * 41;
      } while (!isLand(lat, lon));
      mask |= A.detectedOutlier;
    } else if (pu < (p += 0.003)) {
      const b = rng.pick(sp.blobs);
      lat = b.lat + rng.gauss() * 0.5;
      lon = b.lon + (b.lon < 134 ? -3 : 3) - rng.next() * 2 * (b.lon < 134 ? 1 : -1);
      if (!isLand(lat, lon)) mask |= A.HABITAT_MISMATCH | A.COUNTRY_COORDINATE_MISMATCH;
    } else if (rng.chance(0.12)) {
      ({ lat, lon } = rng.pick(sp.hotspots));
      decimals = Math.min(decimals, 4);
    } else {
      const b = sp.blobs[rng.int(sp.blobs.length)];
      let tries = 0;
      do {
        lat = b.lat + rng.gauss() * b.sigma;
        lon = b.lon + rng.gauss() * b.sigma;
      } while (!isLand(lat, lon) && ++tries < 6);
      if (tries === 6) ({ lat, lon } = b);
      const fix = rng.next();
      if (fix < 0.0015) mask |= A.PRESUMED_SWAPPED_COORDINATE;
      else if (fix < 0.0025) mask |= A.PRESUMED_NEGATED_LATITUDE;
      else if (fix < 0.003) mask |= A.PRESUMED_NEGATED_LONGITUDE;
      else if (fix < 0.007) mask |= A.STATE_COORDINATE_MISMATCH;
    }

    let uncertainty = NaN;
    if (!Number.isNaN(lat)) {
      lat = round(lat, decimals);
      lon = round(lon, decimals);
      if (rng.chance(res.legacyCodes ? 0.35 : 0.25)) mask |= A.COORDINATE_UNCERTAINTY_METERS_INVALID;
      else uncertainty = UNCERTAINTIES[Math.min(UNCERTAINTIES.length - 1, rng.int(UNCERTAINTIES.length) + (specimen ? 6 : 0))];
      if (rng.chance(0.55)) mask |= A.GEODETIC_DATUM_ASSUMED_WGS84 | A.MISSING_GEODETICDATUM;
      if (rng.chance(0.6)) mask |= A.MISSING_GEOREFERENCEDBY | A.MISSING_GEOREFERENCE_DATE;
      if (rng.chance(0.35)) mask |= A.COUNTRY_DERIVED_FROM_COORDINATES;
      if (decimals <= 5 && rng.chance(0.25)) mask |= A.COORDINATE_ROUNDED;
      if (sp.generaliseDecimals !== null) {
        lat = round(lat, sp.generaliseDecimals);
        lon = round(lon, sp.generaliseDecimals);
        uncertainty = Math.max(Number.isNaN(uncertainty) ? 0 : uncertainty, sp.generaliseDecimals === 0 ? 100000 : 10000);
        if (res.alreadyGeneralised && rng.chance(0.5)) flags |= FLAG.ALREADY_GENERALISED;
      }
    } else {
      rng.next(); // keep the draw count independent of the branch taken
    }
    c.setPosition(i, lat, lon);
    c.uncertainty[i] = uncertainty;

    // Taxonomic and other issues.
    if (rng.chance(0.3)) mask |= A.MISSING_TAXONRANK;
    const tu = rng.next();
    if (tu < 0.002) mask |= A.INVALID_SCIENTIFIC_NAME;
    else if (tu < 0.0025) mask |= A.TAXON_HOMONYM;
    else if (tu < 0.0075) mask |= A.TAXON_MATCH_FUZZY;
    else if (tu < 0.008) mask |= A.TAXON_SCOPE_MISMATCH;
    if (rng.chance(0.4)) mask |= A.ASSUMED_PRESENT_OCCURRENCE_STATUS;
    if (rng.chance(0.001)) mask |= A.COUNTRY_INVALID;
    if (rng.chance(0.0005)) mask |= A.BASIS_OF_RECORD_INVALID;

    if (rng.chance(res.legacyCodes ? 0.9 : 0.6)) flags |= FLAG.RAW_BOR_CAMEL;
    if (rng.chance(mask & A.detectedOutlier ? 0.1 : 0.004)) flags |= FLAG.USER_ASSERTION;
    if (rng.chance(0.15)) flags |= FLAG.HAS_REMARKS;
    if (rng.chance(res.imageRate)) {
      const images = 1 + (rng.chance(0.25) ? 1 : 0) + (rng.chance(0.08) ? 1 : 0);
      flags |= images << FLAG.IMAGES_SHIFT;
    }
    // Recorders: a few are prolific (log-uniform over the pool), some records name nobody.
    c.collector[i] = rng.chance(0.05) ? 0 : Math.floor(Math.exp(rng.next() * Math.log(COLLECTOR_COUNT - 1))) + 1;

    // Duplicates of an earlier record of the species are drawn here and linked in order by link().
    const hasPlaceAndDate = !Number.isNaN(lat) && year > 0;
    const candidate = hasPlaceAndDate && month > 0 && (mask & PLACE_DATE_ISSUES) === 0 && rng.chance(0.04);
    c.dup[i] = candidate ? CANDIDATE : hasPlaceAndDate ? 1 : 0;
    c.assertions[i] = mask;
    c.flags[i] = flags;
  }

  /**
   * Duplicates, in record order: a CANDIDATE becomes a copy (species, place, date and recorder) of
   * the last record of its species with a full place and date, which becomes its representative.
   * Returns the index of that representative when it just became one (its duplicateStatus
   * changed), or -1.
   */
  link(c: Columns, i: number): number {
    const s = c.species[i];
    const candidate = c.dup[i] === CANDIDATE;
    if (candidate) c.dup[i] = 1;
    let changed = -1;
    const j = this.lastOfSpecies[s];
    if (candidate && j >= 0 && j !== i && c.species[j] === s && (c.flags[j] & FLAG.DELETED) === 0) {
      c.latE6[i] = c.latE6[j];
      c.lonE6[i] = c.lonE6[j];
      c.uncertainty[i] = c.uncertainty[j];
      c.year[i] = c.year[j];
      c.month[i] = c.month[j];
      c.day[i] = c.day[j];
      c.collector[i] = c.collector[j];
      c.dup[i] = 3;
      const invalidUncertainty = A.COORDINATE_UNCERTAINTY_METERS_INVALID;
      c.assertions[i] = (c.assertions[i] & ~invalidUncertainty) | (c.assertions[j] & invalidUncertainty) | A.INFERRED_DUPLICATE_RECORD;
      if (c.dup[j] === 1) {
        c.dup[j] = 2;
        changed = j;
      }
    }
    if (c.hasCoordinates(i) && c.year[i] > 0 && c.month[i] > 0 && (c.assertions[i] & PLACE_DATE_ISSUES) === 0) this.lastOfSpecies[s] = i;
    return changed;
  }
}
