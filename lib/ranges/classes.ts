/**
 * What a range polygon's class field says, as a vetting: its classification and range qualifier.
 * The words are those of BirdLife Australia's range maps as the original Edgar read them
 * (jcu-eresearch/Edgar importing/edgar_importing/birdlife_shapefile_import.py,
 * CLASSIFICATIONS_BY_BLA_CATEGORIES): core, introduced, vagrant, irruptive, historic and escaped
 * (as vagrant) are valid ranges of that kind, suspect is invalid. "core, breeding" and the like
 * keep the part before the comma; Edgar has no breeding qualifier.
 */
import { RANGE_QUALIFIERS, type RangeQualifier } from "@/lib/domain/codes";
import type { VettingClassification } from "@/lib/vetting/vettings";

export interface RangeClass {
  classification: VettingClassification;
  rangeQualifier: RangeQualifier | null;
}

const INVALID = new Set(["suspect", "invalid", "known_invalid"]);
const VALID = new Set(["valid", "known_valid"]);
const QUALIFIER_SYNONYMS: Record<string, RangeQualifier> = { escaped: "vagrant" };

export const ACCEPTED_CLASS_WORDS = [...VALID, ...RANGE_QUALIFIERS, ...Object.keys(QUALIFIER_SYNONYMS), ...INVALID];

function word(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).split(",")[0].trim().toLowerCase().replace(/[\s-]+/g, "_");
}

function qualifierOf(w: string): RangeQualifier | null {
  if ((RANGE_QUALIFIERS as readonly string[]).includes(w)) return w as RangeQualifier;
  return QUALIFIER_SYNONYMS[w] ?? null;
}

export class RangeClassError extends Error {}

/**
 * The class field's value (and the qualifier field's, when the qualifier is in a field of its own)
 * as a classification and qualifier; a value it cannot read is a RangeClassError naming it.
 */
export function rangeClass(classValue: unknown, qualifierValue?: unknown): RangeClass {
  const w = word(classValue);
  let classification: VettingClassification;
  let rangeQualifier: RangeQualifier | null = null;
  if (INVALID.has(w)) classification = "known_invalid";
  else if (VALID.has(w)) classification = "known_valid";
  else if (qualifierOf(w)) {
    classification = "known_valid";
    rangeQualifier = qualifierOf(w);
  } else {
    throw new RangeClassError(`class ${JSON.stringify(String(classValue ?? "")).slice(0, 80)} is none of ${ACCEPTED_CLASS_WORDS.join(", ")}`);
  }
  if (qualifierValue !== undefined && classification === "known_valid") {
    const q = word(qualifierValue);
    if (q !== "") {
      rangeQualifier = qualifierOf(q);
      if (!rangeQualifier) {
        throw new RangeClassError(`qualifier ${JSON.stringify(String(qualifierValue)).slice(0, 80)} is none of ${[...RANGE_QUALIFIERS, ...Object.keys(QUALIFIER_SYNONYMS)].join(", ")}`);
      }
    }
  }
  return { classification, rangeQualifier };
}
