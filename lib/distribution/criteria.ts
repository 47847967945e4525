/**
 * IUCN Red List criterion B thresholds (IUCN 2012, Categories and Criteria v3.1, B1 and B2), shown
 * beside the figures as context only: an assessment also needs the subcriteria (fragmentation or
 * few locations, continuing decline, extreme fluctuations) and expert judgement.
 */
export const CRITERION_B = {
  eoo: [
    { category: "Critically Endangered", below: 100 },
    { category: "Endangered", below: 5_000 },
    { category: "Vulnerable", below: 20_000 },
  ],
  aoo: [
    { category: "Critically Endangered", below: 10 },
    { category: "Endangered", below: 500 },
    { category: "Vulnerable", below: 2_000 },
  ],
} as const;

/** The first (strictest) threshold the figure is under, or null when it is above them all. */
export function thresholdBelow(measure: keyof typeof CRITERION_B, km2: number): (typeof CRITERION_B)[typeof measure][number] | null {
  return CRITERION_B[measure].find((t) => km2 < t.below) ?? null;
}
