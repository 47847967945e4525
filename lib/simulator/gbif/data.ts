/**
 * The GBIF simulator's occurrences: interpreted records as GBIF's occurrence store holds them
 * (the SIMPLE_CSV columns of gbif/occurrence's DownloadTerms), generated from a seed. Birds of
 * the ALA simulator's species (some at subspecies rank, a few vagrants Edgar's list lacks), some
 * non-birds, and — given an ALA simulator's world — sightings the ALA also holds: the same
 * occurrenceID, species, day and coordinates, as GBIF republishes the ALA's datasets.
 * Changes (add, update, delete) stamp `lastInterpreted` with the current time, which is what an
 * incremental download's LAST_INTERPRETED predicate selects.
 */
import { Rng, hash2 } from "../prng";
import { searchRecord } from "../record";
import { initialSpecies } from "../taxa";
import type { World } from "../world";
import { BIRDS, NON_BIRDS, VAGRANTS, type GbifTaxon } from "./taxa";

export interface GbifRecord {
  gbifID: number;
  datasetKey: string;
  occurrenceID: string;
  taxon: GbifTaxon;
  /** Infraspecific epithet: the record is identified to a subspecies (its own taxonKey). */
  subspecies: string | null;
  taxonKey: number;
  decimalLatitude: number | null;
  decimalLongitude: number | null;
  coordinateUncertaintyInMeters: number | null;
  /** ISO 8601: a day, a day and time, or a year alone. */
  eventDate: string | null;
  basisOfRecord: string;
  institutionCode: string;
  license: string;
  recordedBy: string;
  /** ms since 1970. */
  lastInterpreted: number;
  /** The ALA simulator's uuid of the same sighting, when it is one the ALA holds too. */
  alaUuid: string | null;
}

/** Datasets as GBIF keys them (made-up keys), with the basis of record and licence of their records. */
export const GBIF_DATASETS = [
  { key: "4fa7b334-ce0d-4e88-aaae-2e0c138d049e", institutionCode: "CLO", basis: "HUMAN_OBSERVATION", license: "CC0_1_0", id: (n: number) => `URN:catalog:CLO:EBIRD:OBS${900_000_000 + n}` },
  { key: "50c9509d-22c7-4a22-a47d-8c48425ef4a7", institutionCode: "iNaturalist", basis: "HUMAN_OBSERVATION", license: "CC_BY_NC_4_0", id: (n: number) => `https://www.inaturalist.org/observations/${300_000_000 + n}` },
  { key: "b1047888-ae52-4179-9dd5-5448ea342a24", institutionCode: "AM", basis: "PRESERVED_SPECIMEN", license: "CC_BY_4_0", id: (n: number) => `urn:catalog:AM:Ornithology:O.${80_000 + n}` },
  { key: "7b5d6a48-f762-11e1-a439-00145eb45e9a", institutionCode: "BirdLife", basis: "MACHINE_OBSERVATION", license: "CC_BY_4_0", id: (n: number) => `acoustic-${n}` },
] as const;

/** The dataset GBIF republishes the ALA's shared records under. */
export const ALA_DATASET_KEY = "cd6e21c8-9e8a-493a-8a76-fbf7862069e5";

export interface GbifDataOptions {
  /** Records at start (default 2 000). */
  records?: number;
  seed?: number;
  /** An ALA simulator's world: a share of the records are sightings it holds too. */
  ala?: World;
  /** Shares of the records: shared with the ALA (0.1), non-birds (0.05), vagrants (0.01), subspecies (0.05). */
  shares?: Partial<Record<"shared" | "nonBirds" | "vagrants" | "subspecies", number>>;
}

const DAY = 86_400_000;
const RECORDERS = ["J. Smith", "Ngaio Wiremu", "Zoë O'Brien", "李伟", "M. Nguyen", "A. Kowalski"];

export class GbifData {
  readonly seed: number;
  /** Live records by gbifID, in gbifID order. */
  readonly records = new Map<number, GbifRecord>();
  private nextId = 1_000_000_001;
  private ops = 0;
  private readonly ranges = initialSpecies();
  private readonly shares: Record<"shared" | "nonBirds" | "vagrants" | "subspecies", number>;
  private readonly usedAla = new Set<string>();

  constructor(
    options: GbifDataOptions = {},
    private readonly ala = options.ala,
  ) {
    this.seed = options.seed ?? 1;
    this.shares = { shared: 0.1, nonBirds: 0.05, vagrants: 0.01, subspecies: 0.05, ...options.shares };
    if (!ala) this.shares.shared = 0;
    const start = Date.now();
    this.generate(options.records ?? 2000, (rng) => start - 3 * DAY - rng.int(400) * DAY - rng.int(DAY));
  }

  /** Whether GBIF could hold this ALA record exactly: full date, coordinates, not generalised, an observation. */
  private shareable(w: World, i: number): boolean {
    if (!w.isLive(i) || w.species[w.cols.species[i]].generaliseDecimals !== null || !w.cols.day[i] || !w.cols.hasCoordinates(i)) return false;
    const r = searchRecord(w, i, "");
    return r.basisOfRecord === "HUMAN_OBSERVATION" && typeof r.eventDate === "number";
  }

  private generate(count: number, interpretedAt: (rng: Rng) => number, only?: GbifTaxon): number[] {
    const rng = new Rng(hash2(this.seed, ++this.ops));
    const ids: number[] = [];
    for (let n = 0; n < count; n++) {
      const record = this.makeRecord(rng, interpretedAt(rng), only);
      this.records.set(record.gbifID, record);
      ids.push(record.gbifID);
    }
    return ids;
  }

  private makeRecord(rng: Rng, lastInterpreted: number, only?: GbifTaxon): GbifRecord {
    const gbifID = this.nextId++;
    const draw = rng.next();
    const s = this.shares;
    const kind = draw < s.shared ? "shared" : draw < s.shared + s.nonBirds ? "nonBird" : draw < s.shared + s.nonBirds + s.vagrants ? "vagrant" : "bird";
    if (!only && kind === "shared") {
      const shared = this.fromAla(rng, gbifID, lastInterpreted);
      if (shared) return shared;
    }
    const taxon = only ?? (kind === "nonBird" ? rng.pick(NON_BIRDS) : kind === "vagrant" ? rng.pick(VAGRANTS) : rng.pick(BIRDS));
    const dataset = GBIF_DATASETS[rng.int(GBIF_DATASETS.length)];
    const range = this.ranges.find((r) => r.scientificName === taxon.species);
    const blob = range ? rng.pick(range.blobs) : { lat: -25 + rng.gauss() * 6, lon: 135 + rng.gauss() * 8, sigma: 0.5 };
    const decimals = taxon.generaliseDecimals ?? 2 + rng.int(4);
    const round = (x: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
    const hasCoordinates = rng.next() > 0.02;
    const year = 1990 + rng.int(35);
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(28);
    const dateKind = rng.next();
    const pad = (v: number) => String(v).padStart(2, "0");
    const eventDate = dateKind < 0.02 ? null : dateKind < 0.05 ? String(year) : dateKind < 0.3 ? `${year}-${pad(month)}-${pad(day)}T${pad(rng.int(24))}:${pad(rng.int(60))}:00` : `${year}-${pad(month)}-${pad(day)}`;
    const subspecies = taxon.class === "Aves" && rng.next() < s.subspecies ? "cyanochlamys" : null;
    return {
      gbifID,
      datasetKey: dataset.key,
      occurrenceID: dataset.id(gbifID),
      taxon,
      subspecies,
      taxonKey: subspecies ? taxon.speciesKey + 1 : taxon.speciesKey,
      decimalLatitude: hasCoordinates ? Math.max(-44, Math.min(-9, round(blob.lat + rng.gauss() * blob.sigma))) : null,
      decimalLongitude: hasCoordinates ? Math.max(112, Math.min(154, round(blob.lon + rng.gauss() * blob.sigma))) : null,
      coordinateUncertaintyInMeters: hasCoordinates && rng.next() < 0.7 ? 10 * (1 + rng.int(500)) : null,
      eventDate,
      basisOfRecord: dataset.basis,
      institutionCode: dataset.institutionCode,
      license: dataset.license,
      recordedBy: rng.pick(RECORDERS),
      lastInterpreted,
      alaUuid: null,
    };
  }

  /** A sighting the ALA holds: its occurrenceID, species, day and coordinates. */
  private fromAla(rng: Rng, gbifID: number, lastInterpreted: number): GbifRecord | null {
    const w = this.ala!;
    // A few draws among the live records (cheap at any world size); none shareable: a record of GBIF's own.
    const live = w.indexes.byLoad;
    let i = -1;
    for (let tries = 0; tries < 20 && i < 0; tries++) {
      const j = live[rng.int(live.length)];
      if (this.shareable(w, j) && !this.usedAla.has(w.uuid(j))) i = j;
    }
    if (i < 0) return null;
    const uuid = w.uuid(i);
    const r = searchRecord(w, i, "");
    const taxon = BIRDS.find((b) => b.species === r.scientificName);
    if (!taxon) return null;
    this.usedAla.add(uuid);
    return {
      gbifID,
      datasetKey: ALA_DATASET_KEY,
      occurrenceID: String(r.occurrenceID),
      taxon,
      subspecies: null,
      taxonKey: taxon.speciesKey,
      decimalLatitude: r.decimalLatitude as number,
      decimalLongitude: r.decimalLongitude as number,
      coordinateUncertaintyInMeters: typeof r.coordinateUncertaintyInMeters === "number" ? r.coordinateUncertaintyInMeters : null,
      eventDate: new Date(r.eventDate as number).toISOString().slice(0, 10),
      basisOfRecord: "HUMAN_OBSERVATION",
      institutionCode: "ALA",
      license: "CC_BY_4_0",
      recordedBy: RECORDERS[gbifID % RECORDERS.length],
      lastInterpreted,
      alaUuid: uuid,
    };
  }

  /** New records interpreted now; `species` limits them to one taxon (by canonical name). */
  add(count: number, species?: GbifTaxon): number[] {
    return this.generate(count, () => Date.now(), species);
  }

  /** Records chosen by the seed and the number of operations so far (a script's calls pick the same ones). */
  private choose(count: number): GbifRecord[] {
    const rng = new Rng(hash2(this.seed ^ 0x5e1, ++this.ops));
    const live = [...this.records.values()];
    const chosen = new Set<GbifRecord>();
    while (chosen.size < Math.min(count, live.length)) chosen.add(live[rng.int(live.length)]);
    return [...chosen];
  }

  /** Records moved by up to ~1 km and re-interpreted now. */
  update(count: number): number[] {
    const rng = new Rng(hash2(this.seed ^ 0x0d, this.ops + 1));
    return this.choose(count).map((r) => {
      if (r.decimalLatitude !== null && r.decimalLongitude !== null) {
        r.decimalLatitude = Math.round((r.decimalLatitude + (rng.next() - 0.5) * 0.02) * 1e5) / 1e5;
        r.decimalLongitude = Math.round((r.decimalLongitude + (rng.next() - 0.5) * 0.02) * 1e5) / 1e5;
      } else {
        r.decimalLatitude = -30;
        r.decimalLongitude = 140;
      }
      r.lastInterpreted = Date.now();
      return r.gbifID;
    });
  }

  /** Records gone from GBIF (their dataset republished without them): `count` chosen, or these gbifIDs. */
  delete(which: number | readonly number[]): number[] {
    const chosen = typeof which === "number" ? this.choose(which).map((r) => r.gbifID) : which.filter((id) => this.records.has(id));
    for (const id of chosen) this.records.delete(id);
    return chosen;
  }

  /** The live records, in gbifID order. */
  list(): GbifRecord[] {
    return [...this.records.values()];
  }
}
