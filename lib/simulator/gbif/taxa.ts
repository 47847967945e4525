/**
 * The GBIF simulator's taxonomy: the ALA simulator's birds (same scientific names, so Edgar's
 * name matching joins them) under GBIF backbone keys, and a few non-birds. Higher keys are the
 * real backbone's (Animalia 1, Chordata 44, Aves 212, Mammalia 359, Amphibia 131, Insecta 216,
 * Plantae 6, Magnoliopsida 220); species keys are made up, stable per name.
 */
import { hashString } from "../prng";
import { SPECIES } from "../species-data";

export interface GbifTaxon {
  /** The canonical binomial (SIMPLE_CSV `species`). */
  species: string;
  /** With authorship, as GBIF's interpreted `scientificName`. */
  scientificName: string;
  speciesKey: number;
  kingdom: string;
  kingdomKey: number;
  phylum: string;
  phylumKey: number;
  class: string;
  classKey: number;
  order: string;
  family: string;
  genus: string;
  /** Decimal places an ALA-sensitive species' positions are generalised to, or null. */
  generaliseDecimals: number | null;
}

export const AVES_KEY = 212;

const AUTHORS = ["Latham", "Gould", "Vigors & Horsfield", "Temminck", "Vieillot", "Shaw", "Linnaeus", "Quoy & Gaimard", "Lesson", "Swainson"];

/** A made-up but stable authorship, in brackets when the genus "changed" (as zoological names write it). */
function authorship(name: string): string {
  const h = hashString(name, 0x9b1f);
  const text = `${AUTHORS[h % AUTHORS.length]}, ${1758 + ((h >>> 8) % 120)}`;
  return h & 0x10000 ? `(${text})` : text;
}

const birdKey = (index: number) => 2_480_000 + index * 7;

export const BIRDS: readonly GbifTaxon[] = SPECIES.map((s, i) => ({
  species: s.scientificName,
  scientificName: `${s.scientificName} ${authorship(s.scientificName)}`,
  speciesKey: birdKey(i),
  kingdom: "Animalia",
  kingdomKey: 1,
  phylum: "Chordata",
  phylumKey: 44,
  class: "Aves",
  classKey: AVES_KEY,
  order: s.order,
  family: s.family,
  genus: s.genus,
  generaliseDecimals: s.generaliseDecimals,
}));

/** Birds GBIF has in Australia that the ALA's list (and so Edgar) does not know: unmatched names. */
export const VAGRANTS: readonly GbifTaxon[] = [
  ["Turdus migratorius", "Linnaeus, 1766", "Passeriformes", "Turdidae", 9_990_001],
  ["Ficedula narcissina", "(Temminck, 1836)", "Passeriformes", "Muscicapidae", 9_990_002],
].map(([species, author, order, family, key]) => ({
  species: species as string,
  scientificName: `${species} ${author}`,
  speciesKey: key as number,
  kingdom: "Animalia",
  kingdomKey: 1,
  phylum: "Chordata",
  phylumKey: 44,
  class: "Aves",
  classKey: AVES_KEY,
  order: order as string,
  family: family as string,
  genus: (species as string).split(" ")[0],
  generaliseDecimals: null,
}));

export const NON_BIRDS: readonly GbifTaxon[] = [
  { species: "Vombatus ursinus", scientificName: "Vombatus ursinus (Shaw, 1800)", speciesKey: 2_440_012, kingdom: "Animalia", kingdomKey: 1, phylum: "Chordata", phylumKey: 44, class: "Mammalia", classKey: 359, order: "Diprotodontia", family: "Vombatidae", genus: "Vombatus", generaliseDecimals: null },
  { species: "Macropus giganteus", scientificName: "Macropus giganteus Shaw, 1790", speciesKey: 2_440_022, kingdom: "Animalia", kingdomKey: 1, phylum: "Chordata", phylumKey: 44, class: "Mammalia", classKey: 359, order: "Diprotodontia", family: "Macropodidae", genus: "Macropus", generaliseDecimals: null },
  { species: "Litoria caerulea", scientificName: "Litoria caerulea (White, 1790)", speciesKey: 2_427_646, kingdom: "Animalia", kingdomKey: 1, phylum: "Chordata", phylumKey: 44, class: "Amphibia", classKey: 131, order: "Anura", family: "Pelodryadidae", genus: "Litoria", generaliseDecimals: null },
  { species: "Apis mellifera", scientificName: "Apis mellifera Linnaeus, 1758", speciesKey: 1_341_976, kingdom: "Animalia", kingdomKey: 1, phylum: "Arthropoda", phylumKey: 54, class: "Insecta", classKey: 216, order: "Hymenoptera", family: "Apidae", genus: "Apis", generaliseDecimals: null },
  { species: "Eucalyptus camaldulensis", scientificName: "Eucalyptus camaldulensis Dehnh.", speciesKey: 3_176_844, kingdom: "Plantae", kingdomKey: 6, phylum: "Tracheophyta", phylumKey: 7_707_728, class: "Magnoliopsida", classKey: 220, order: "Myrtales", family: "Myrtaceae", genus: "Eucalyptus", generaliseDecimals: null },
];

const BY_NAME = new Map([...BIRDS, ...VAGRANTS, ...NON_BIRDS].map((t) => [t.species, t]));

export function taxonByName(species: string): GbifTaxon | undefined {
  return BY_NAME.get(species);
}
