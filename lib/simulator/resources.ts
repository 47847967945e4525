import { BOR } from "./vocab";

/**
 * Data resources (the ALA's datasets) and people. The resource decides most of a record's
 * character: basis of record, licence, assertion code style, images, coordinate precision.
 */

export interface DataResource {
  uid: string;
  name: string;
  providerUid: string;
  providerName: string;
  institutionCode?: string;
  /** Share of all records. */
  weight: number;
  /** [basis of record code, weight] */
  basis: readonly (readonly [number, number])[];
  license: string;
  /** Old biocache-store processing: camelCase assertion codes. */
  legacyCodes: boolean;
  /** Share of records with images. */
  imageRate: number;
  /** Decimal places coordinates are given to. */
  decimals: number;
  occurrenceId: "uuid" | "ebird" | "inat" | "catalog";
  /** Data supplied already generalised for sensitive species. */
  alreadyGeneralised?: boolean;
}

export const DATA_RESOURCES: readonly DataResource[] = [
  { uid: "dr2009", name: "eBird Australia", providerUid: "dp39", providerName: "Cornell Lab of Ornithology", weight: 34, basis: [[BOR.HUMAN_OBSERVATION, 1]], license: "CC-BY 4.0 (Int)", legacyCodes: false, imageRate: 0, decimals: 6, occurrenceId: "ebird" },
  { uid: "dr359", name: "BirdLife Australia, Birdata", providerUid: "dp4", providerName: "BirdLife Australia", weight: 28, basis: [[BOR.HUMAN_OBSERVATION, 1]], license: "CC-BY 4.0 (Int)", legacyCodes: false, imageRate: 0, decimals: 5, occurrenceId: "uuid" },
  { uid: "dr1411", name: "iNaturalist Australia", providerUid: "dp1237", providerName: "iNaturalist Australia", weight: 9, basis: [[BOR.HUMAN_OBSERVATION, 1]], license: "CC-BY-NC 4.0 (Int)", legacyCodes: false, imageRate: 0.9, decimals: 6, occurrenceId: "inat" },
  { uid: "dr368", name: "OEH Atlas of NSW Wildlife", providerUid: "dp33", providerName: "NSW Department of Climate Change, Energy, the Environment and Water", weight: 6, basis: [[BOR.HUMAN_OBSERVATION, 20], [BOR.OBSERVATION, 1]], license: "CC-BY 4.0 (Au)", legacyCodes: true, imageRate: 0, decimals: 5, occurrenceId: "uuid", alreadyGeneralised: true },
  { uid: "dr1097", name: "Victorian Biodiversity Atlas", providerUid: "dp36", providerName: "Department of Energy, Environment and Climate Action, Victoria", weight: 5, basis: [[BOR.HUMAN_OBSERVATION, 1]], license: "CC-BY 4.0 (Au)", legacyCodes: true, imageRate: 0, decimals: 4, occurrenceId: "uuid", alreadyGeneralised: true },
  { uid: "dr1902", name: "Queensland Wildnet", providerUid: "dp3044", providerName: "Queensland Department of Environment, Science and Innovation", weight: 3, basis: [[BOR.HUMAN_OBSERVATION, 8], [BOR.OBSERVATION, 1]], license: "CC-BY 4.0 (Au)", legacyCodes: true, imageRate: 0, decimals: 4, occurrenceId: "uuid", alreadyGeneralised: true },
  { uid: "dr702", name: "WA Department of Biodiversity, Conservation and Attractions: NatureMap", providerUid: "dp57", providerName: "Department of Biodiversity, Conservation and Attractions (WA)", weight: 2, basis: [[BOR.HUMAN_OBSERVATION, 4], [BOR.OCCURRENCE, 1]], license: "CC-BY 3.0 (Au)", legacyCodes: true, imageRate: 0, decimals: 4, occurrenceId: "uuid" },
  { uid: "dr364", name: "ALA species sightings and OzAtlas", providerUid: "dp31", providerName: "Citizen Science - ALA Website", weight: 2, basis: [[BOR.HUMAN_OBSERVATION, 1]], license: "CC-BY-NC 3.0 (Au)", legacyCodes: false, imageRate: 0.45, decimals: 6, occurrenceId: "uuid" },
  { uid: "dr16632", name: "Birds <b>in</b> Backyards — Bénévoles & Früh Survey", providerUid: "dp4", providerName: "BirdLife Australia", weight: 0.6, basis: [[BOR.HUMAN_OBSERVATION, 1]], license: "CC0", legacyCodes: false, imageRate: 0.2, decimals: 3, occurrenceId: "uuid" },
  { uid: "dr570", name: "Australian Bird and Bat Banding Scheme", providerUid: "dp3053", providerName: "Department of Climate Change, Energy, the Environment and Water", weight: 2, basis: [[BOR.OCCURRENCE, 1]], license: "CC-BY 4.0 (Au)", legacyCodes: false, imageRate: 0, decimals: 2, occurrenceId: "uuid" },
  { uid: "dr2204", name: "Australian Acoustic Observatory", providerUid: "dp3124", providerName: "Queensland University of Technology", weight: 1.5, basis: [[BOR.MACHINE_OBSERVATION, 1]], license: "CC-BY 4.0 (Int)", legacyCodes: false, imageRate: 0, decimals: 5, occurrenceId: "uuid" },
  { uid: "dr8012", name: "Nest Record Scheme", providerUid: "dp4", providerName: "BirdLife Australia", weight: 0.8, basis: [[BOR.OBSERVATION, 1]], license: "CC-BY-NC 4.0 (Int)", legacyCodes: true, imageRate: 0, decimals: 3, occurrenceId: "uuid" },
  { uid: "dr340", name: "Australian Museum provider for OZCAM", providerUid: "dp6", providerName: "OZCAM (Online Zoological Collections of Australian Museums) Provider", institutionCode: "AM", weight: 1.5, basis: [[BOR.PRESERVED_SPECIMEN, 12], [BOR.MATERIAL_SAMPLE, 2], [BOR.FOSSIL_SPECIMEN, 0.3]], license: "CC-BY 4.0 (Int)", legacyCodes: true, imageRate: 0.1, decimals: 2, occurrenceId: "catalog" },
  { uid: "dr342", name: "Museums Victoria provider for OZCAM", providerUid: "dp6", providerName: "OZCAM (Online Zoological Collections of Australian Museums) Provider", institutionCode: "NMV", weight: 1, basis: [[BOR.PRESERVED_SPECIMEN, 10], [BOR.FOSSIL_SPECIMEN, 1]], license: "CC-BY 4.0 (Int)", legacyCodes: false, imageRate: 0.15, decimals: 3, occurrenceId: "catalog" },
  { uid: "dr346", name: "ANWC (Australian National Wildlife Collection) provider for OZCAM", providerUid: "dp6", providerName: "OZCAM (Online Zoological Collections of Australian Museums) Provider", institutionCode: "ANWC", weight: 1, basis: [[BOR.PRESERVED_SPECIMEN, 6], [BOR.MATERIAL_SAMPLE, 4]], license: "CC-BY 4.0 (Int)", legacyCodes: false, imageRate: 0, decimals: 3, occurrenceId: "catalog" },
  { uid: "dr18455", name: "Zoo and Aquarium Association Australasia — holdings", providerUid: "dp3201", providerName: "Zoo and Aquarium Association", weight: 0.25, basis: [[BOR.LIVING_SPECIMEN, 1]], license: "CC-BY-NC 4.0 (Int)", legacyCodes: false, imageRate: 0, decimals: 3, occurrenceId: "uuid" },
  { uid: "dr13200", name: "Biodiversity Heritage Library — Australian bird literature", providerUid: "dp3190", providerName: "Biodiversity Heritage Library", weight: 0.25, basis: [[BOR.MATERIAL_CITATION, 1]], license: "CC0", legacyCodes: false, imageRate: 0, decimals: 1, occurrenceId: "uuid" },
];

/** Licences of images (as the images service spells them). */
export const IMAGE_LICENCES = ["CC BY 4.0", "CC BY-NC 4.0", "CC0 1.0", "CC BY-SA 4.0", "CC BY-NC-SA 4.0", "CC BY 3.0 AU"] as const;

const FIRST = ["Alice", "Ben", "Chloe", "David", "Emma", "Finn", "Grace", "Hamish", "Isla", "Jack", "Kirra", "Liam", "Mia", "Noah", "Olivia", "Priya", "Quentin", "Ruby", "Sam", "Tahlia", "Uma", "Vikram", "Wei", "Xavier", "Yasmin", "Zoë", "Jürgen", "Siobhán", "José", "Ngaire", "Đức", "Ayşe"];
const LAST = ["Smith", "Nguyen", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson", "Thompson", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davies", "Wright", "Murphy", "Mitchell", "O'Brien", "Müller", "Núñez", "Ångström", "Chen", "Papadopoulos", "Kowalski", "Singh", "Tjapaltjarri"];

/** Names seen in the wild that break naive code: markup, quotes, non-Latin scripts, lists. */
const AWKWARD = [
  "<b>Bold Birder</b>",
  "<script>alert(1)</script>",
  "李 明",
  "Smith, J. & Brown, K.",
  "\"Birdo\" McBirdface",
  "Team Ōtautahi ✓",
];

/** Number of distinct recorders; index 0 means "no recorder given". */
export const COLLECTOR_COUNT = 4096;

export function collectorName(i: number): string | undefined {
  if (i === 0) return undefined;
  if (i <= AWKWARD.length) return AWKWARD[i - 1];
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
  // Providers disagree on name order: some send "Last, First".
  return i % 3 === 0 ? `${last}, ${first}` : `${first} ${last}`;
}

/** Occurrence remarks, some with markup as providers send it. */
export const REMARKS = [
  "Pair seen foraging in the canopy.",
  "Heard calling at dawn; not seen.",
  "<b>Breeding</b> — nest with 2 eggs.",
  "Flock of ~40 over the wetland <i>(estimate)</i>.",
  "<script>alert(1)</script>",
  "Juvenile, plumage partly moulted. Photo: Zoë Müller.",
  "Roadkill — specimen not collected.",
  "Observed from boat, 2 km offshore & heading N.",
];

/** Location remarks as supplied, including the literal "nullnull" some exports carry. */
export const LOCATION_REMARKS = ["nullnull", "Backyard", "Roadside near <b>creek</b> crossing", "5 km N of town", "North shore — Lake Wendouree", "Sth side of the dam"];
