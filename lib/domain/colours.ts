/**
 * How the four categories look, everywhere (map, legend, chart, popups). Okabe–Ito colours, which
 * stay distinct with every common colour-vision deficiency: hue says valid (blues) or invalid
 * (oranges), lightness says assumed (light) or known by an expert (dark).
 */
import { CLASSIFICATIONS, type Classification } from "./codes";

export const CATEGORY_COLOURS: Readonly<Record<Classification, string>> = {
  known_valid: "#0072b2",
  assumed_valid: "#56b4e9",
  assumed_invalid: "#e69f00",
  known_invalid: "#d55e00",
};

export const CATEGORY_LABELS: Readonly<Record<Classification, string>> = {
  known_valid: "Known valid",
  assumed_valid: "Assumed valid",
  assumed_invalid: "Assumed invalid",
  known_invalid: "Known invalid",
};

/** The ring round contentious records (experts disagree), and round clusters holding any. */
export const CONTENTIOUS_COLOUR = "#000000";

/** Categories in legend order, with their colours and labels. */
export const CATEGORIES = CLASSIFICATIONS.map((id) => ({ id, colour: CATEGORY_COLOURS[id], label: CATEGORY_LABELS[id] }));
