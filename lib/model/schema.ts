/** A stored or downloaded model read back (zod at the edge), checked to be one predict can use. */
import { z } from "zod";
import { ModelInputError } from "./errors";
import type { MaxnetModel } from "./types";

const finite = z.number().finite();
const index = z.number().int().nonnegative();
const featureSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("linear"), variable: index }),
  z.object({ type: z.literal("quadratic"), variable: index }),
  z.object({ type: z.literal("product"), variable: index, other: index }),
  z.object({ type: z.literal("hinge"), variable: index, min: finite, max: finite }),
  z.object({ type: z.literal("threshold"), variable: index, knot: finite }),
]);

export const maxnetModelSchema = z.object({
  format: z.literal(1),
  variables: z.array(z.string()).min(1),
  settings: z.object({ features: z.string().regex(/^[lqpht]+$/), regmult: finite.positive() }),
  features: z.array(featureSchema),
  betas: z.array(finite),
  alpha: finite,
  entropy: finite,
  featureMins: z.array(finite),
  featureMaxs: z.array(finite),
  varMin: z.array(finite),
  varMax: z.array(finite),
  sampleMeans: z.array(finite),
  presenceCount: index,
  backgroundCount: index,
  lambda: finite,
});

export function parseModel(json: unknown): MaxnetModel {
  const parsed = maxnetModelSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelInputError("invalid-model", `This is not a maxnet model: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}.`);
  }
  const m = parsed.data;
  const nv = m.variables.length;
  const nf = m.features.length;
  const lengthsAgree =
    m.betas.length === nf &&
    m.featureMins.length === nf &&
    m.featureMaxs.length === nf &&
    m.varMin.length === nv &&
    m.varMax.length === nv &&
    m.sampleMeans.length === nv;
  const variablesExist = m.features.every((f) => f.variable < nv && (f.type !== "product" || f.other < nv));
  if (!lengthsAgree || !variablesExist) {
    throw new ModelInputError("invalid-model", "The model's features, coefficients, ranges and variables do not agree in number.");
  }
  return m;
}
