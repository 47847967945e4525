import { REGION_ANCHORS } from "./geo";
import { hash2, hashString, Rng } from "./prng";
import { SPECIES, taxonGuid, type SpeciesInfo } from "./species-data";

/** A species as the world knows it: names, guid, where its records fall. Mutable by splits and merges. */
export interface Species extends SpeciesInfo {
  index: number;
  guid: string;
  genusGuid: string;
  /** Retired species have no records and are unknown to queries' results. */
  retired: boolean;
  /** Gaussian blobs records are drawn from: centre lat/lon and sigma in degrees. */
  blobs: { lat: number; lon: number; sigma: number }[];
  /** Popular spots where many records share identical coordinates. */
  hotspots: { lat: number; lon: number }[];
}

const SIGMA: Record<string, number> = { A: 2.5, W: 2.0, C: 0.25, T: 0.45, N: 1.2, NE: 0.7, SW: 0.9, S: 0.8, SE: 1.0, E: 0.9 };

/** The range of a species depends on its name only, so it is the same in every seed's world. */
function range(info: SpeciesInfo): Pick<Species, "blobs" | "hotspots"> {
  const rng = new Rng(hashString(info.scientificName, 7));
  const widespread = info.regions.includes("W");
  const count = widespread ? 10 : Math.min(8, 2 + info.regions.length * 2);
  const blobs: Species["blobs"] = [];
  for (let b = 0; b < count; b++) {
    const region = info.regions[b % info.regions.length];
    const [lon, lat] = rng.pick(REGION_ANCHORS[region]);
    blobs.push({ lat, lon, sigma: SIGMA[region] * (0.5 + rng.next()) });
  }
  const hotspots = blobs.slice(0, 4).map((b) => ({
    lat: Math.round((b.lat + (rng.next() - 0.5) * 0.1) * 1e4) / 1e4,
    lon: Math.round((b.lon + (rng.next() - 0.5) * 0.1) * 1e4) / 1e4,
  }));
  return { blobs, hotspots };
}

export function makeSpecies(info: SpeciesInfo, index: number, guid = taxonGuid(info.scientificName), prefix?: string): Species {
  return { ...info, index, guid, genusGuid: taxonGuid(info.genus, prefix), retired: false, ...range(info) };
}

/** `prefix`: the world's taxon ids are another atlas's (taxonGuid), not the ALA's. */
export function initialSpecies(prefix?: string): Species[] {
  return SPECIES.map((info, i) => makeSpecies(info, i, taxonGuid(info.scientificName, prefix), prefix));
}

/**
 * Share of records per species: Zipf (s = 2, offset 3) over a seeded ranking that puts the common
 * tier first and the rare tier last, mixed with 15 % uniform so every species has some records.
 * At 5 million records the top two get about 1.2 M and 0.7 M.
 */
export function speciesWeights(species: readonly Species[], seed: number): Float64Array {
  const tier = { common: 0, normal: 1, rare: 2 } as const;
  const ranked = species
    .map((s) => ({ s, key: tier[s.abundance] * 2 ** 32 + hash2(seed, hashString(s.scientificName)) }))
    .sort((a, b) => a.key - b.key);
  const w = new Float64Array(species.length);
  let zipfSum = 0;
  for (let r = 0; r < ranked.length; r++) zipfSum += 1 / (r + 3) ** 2;
  for (let r = 0; r < ranked.length; r++) {
    w[ranked[r].s.index] = (0.85 * (1 / (r + 3) ** 2)) / zipfSum + 0.15 / species.length;
  }
  return w;
}
