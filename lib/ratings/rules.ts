/**
 * THE rule set that rates each imported record assumed_valid or assumed_invalid (docs/ratings.md).
 * A record is assumed invalid when any enabled rule fires. Pure: rows and config in, verdict out.
 */
import { z } from "zod";
import { RELEVANT_BASIS_OF_RECORD } from "@/lib/domain/codes";
import { assertionDef, maskWhere } from "@/lib/ala/assertions";
import type { ImportRow } from "@/lib/ala/normalise";

export type RatingRow = Pick<
  ImportRow,
  "lat" | "lon" | "uncertaintyM" | "assertions" | "spatiallyValid" | "year" | "userFlagged" | "basisOfRecord"
>;

export type Rating = "assumed_valid" | "assumed_invalid";

export interface Rule {
  name: string;
  description: string;
  /** Whether the rule is on when the configuration does not mention it. */
  enabledByDefault: boolean;
  fires(row: RatingRow): boolean;
}

/** The optional JSON configuration; every key may be left out (defaults below). */
export const ratingConfigSchema = z
  .object({
    /** Names of rules to switch off. */
    disabled: z.array(z.string()).default([]),
    /** Coordinate uncertainty (metres) above which a record is assumed invalid. */
    maxUncertaintyM: z.number().positive().default(10_000),
    /** Records from before this year are assumed invalid. */
    minYear: z.number().int().default(1900),
    /** Assertions (either code style) that also make a record invalid, beyond the error category. */
    invalidAssertions: z.array(z.string()).default([]),
    /** Assertions (either code style) that never make a record invalid. */
    ignoredAssertions: z.array(z.string()).default([]),
  })
  .strict();
export type RatingConfig = z.input<typeof ratingConfigSchema>;

function assertionMask(codes: string[], label: string): bigint {
  return codes.reduce((mask, code) => {
    const def = assertionDef(code);
    if (!def) throw new Error(`rating config: unknown assertion in ${label}: ${code}`);
    return mask | (1n << BigInt(def.bit));
  }, 0n);
}

/** Builds the rules from a configuration (JSON object); throws naming the bad key. */
export function createRules(config: RatingConfig = {}): Rule[] {
  const c = ratingConfigSchema.parse(config);
  const ignored = assertionMask(c.ignoredAssertions, "ignoredAssertions");
  const fatal = maskWhere((a) => a.fatal) & ~ignored;
  const errors = (maskWhere((a) => a.category === "error" && !a.fatal) | assertionMask(c.invalidAssertions, "invalidAssertions")) & ~ignored;

  const rules: Rule[] = [
    {
      name: "fatalAssertion",
      description: "The ALA flagged the position as unusable (zero, out of range, swapped or invalid coordinates).",
      enabledByDefault: true,
      fires: (row) => (row.assertions & fatal) !== 0n,
    },
    {
      name: "errorAssertion",
      description:
        "An error-category assertion: centre of country/state, outlier, habitat mismatch, taxon-match problems " +
        "(the ALA's own default quality profile drops these), plus any configured invalidAssertions.",
      enabledByDefault: true,
      fires: (row) => (row.assertions & errors) !== 0n,
    },
    {
      name: "spatiallyInvalid",
      description: "The ALA marks the record spatially invalid.",
      enabledByDefault: true,
      fires: (row) => row.spatiallyValid === false,
    },
    {
      name: "missingCoordinates",
      description: "The record has no usable position.",
      enabledByDefault: true,
      fires: (row) => row.lat === null || row.lon === null,
    },
    {
      name: "uncertaintyTooLarge",
      description: `Coordinate uncertainty above ${c.maxUncertaintyM} m (maxUncertaintyM; the ALA profile uses 10 km).`,
      enabledByDefault: true,
      fires: (row) => row.uncertaintyM !== null && row.uncertaintyM > c.maxUncertaintyM,
    },
    {
      name: "tooOld",
      description: `Recorded before ${c.minYear} (minYear): historic records describe past ranges, with vague places.`,
      enabledByDefault: true,
      fires: (row) => row.year !== null && row.year < c.minYear,
    },
    {
      name: "userFlagged",
      description: "People reported a problem with the record (ALA user assertions).",
      enabledByDefault: true,
      fires: (row) => row.userFlagged,
    },
  ];

  const unknown = c.disabled.filter((name) => !rules.some((r) => r.name === name));
  if (unknown.length) throw new Error(`rating config: unknown rule in disabled: ${unknown.join(", ")}`);
  return rules.filter((r) => !c.disabled.includes(r.name));
}

export const defaultRules: readonly Rule[] = createRules();

export function rate(row: RatingRow, rules: readonly Rule[] = defaultRules): { rating: Rating; firedRules: string[] } {
  const firedRules = rules.filter((r) => r.fires(row)).map((r) => r.name);
  return { rating: firedRules.length ? "assumed_invalid" : "assumed_valid", firedRules };
}

export type IrrelevantReason = "basisOfRecord";

/**
 * Whether a record belongs in Edgar at all: observations do; specimens, fossils, living
 * specimens, genetic samples and material citations don't (skipped, counted by reason).
 * A record without a known basis of record is kept: the ALA defaults unspecified ones to
 * OCCURRENCE, which is relevant.
 */
export function isRelevant(row: Pick<RatingRow, "basisOfRecord">): { relevant: true } | { relevant: false; reason: IrrelevantReason } {
  return row.basisOfRecord === "UNKNOWN" || RELEVANT_BASIS_OF_RECORD.has(row.basisOfRecord)
    ? { relevant: true }
    : { relevant: false, reason: "basisOfRecord" };
}
