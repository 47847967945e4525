/**
 * The port against maxnet itself: test/fixtures/model/bradypus-reference.json was made by
 * maxnet's own R code (make-bradypus-reference.R) on the bradypus data shipped with maxnet.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auc } from "./evaluate";
import { featureName } from "./features";
import { fitMaxnet } from "./maxnet";
import { predict } from "./predict";
import type { MaxnetModel } from "./types";

const dir = path.resolve(import.meta.dirname, "../../test/fixtures/model");
const [header, ...lines] = readFileSync(path.join(dir, "bradypus.csv"), "utf8").trim().split("\n");
const variables = header.split(",").slice(1).map((s) => s.replaceAll('"', ""));
const rows = lines.map((l) => l.split(",").map(Number));
const all = rows.map((r) => Float64Array.from(r.slice(1)));
const presence = all.filter((_, i) => rows[i][0] === 1);
const background = all.filter((_, i) => rows[i][0] === 0);

type Reference = {
  alpha: number;
  entropy: number;
  lambdaLast: number;
  trainingAuc: number;
  betas: { names: string[]; values: number[] };
  cloglog: number[];
  exponential: number[];
  logistic: number[];
  link: number[];
  cloglogUnclamped: number[];
};
const reference = JSON.parse(readFileSync(path.join(dir, "bradypus-reference.json"), "utf8")) as {
  variables: string[];
  models: Record<"default" | "lq" | "lt", Reference>;
};

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe.each([
  ["default", undefined, "lqph"],
  ["lq", "lq", "lq"],
  // Not a default class set: thresholds, checked too.
  ["lt", "lt", "lt"],
] as const)("bradypus, %s features", (name, features, resolved) => {
  const ref = reference.models[name];
  let model: MaxnetModel;

  it("fits with maxnet's feature classes and λ", () => {
    expect(variables).toEqual(reference.variables);
    model = fitMaxnet(presence, background, variables, features ? { features } : {});
    expect(model.settings.features).toBe(resolved);
    expect(model.lambda).toBeCloseTo(ref.lambdaLast, 12);
  });

  it("predicts as maxnet does: correlation ≥ 0.99 for every output, training AUC within 0.01", () => {
    for (const type of ["cloglog", "exponential", "logistic", "link"] as const) {
      expect(correlation(predict(model, all, type), ref[type])).toBeGreaterThanOrEqual(0.99);
    }
    expect(correlation(predict(model, all, "cloglog", false), ref.cloglogUnclamped)).toBeGreaterThanOrEqual(0.99);
    const cloglog = predict(model, all, "cloglog");
    const trainingAuc = auc(
      cloglog.filter((_, i) => rows[i][0] === 1),
      cloglog.filter((_, i) => rows[i][0] === 0),
    );
    expect(Math.abs(trainingAuc - ref.trainingAuc)).toBeLessThan(0.01);
  });

  it("keeps maxnet's features, with its coefficients, alpha and entropy", () => {
    // Hinge knots print with R's 15 significant digits.
    const print = (name: string) => name.replace(/\d+\.\d+/g, (x) => String(Number(Number(x).toPrecision(15))));
    expect(model.features.map((f) => print(featureName(f, variables)))).toEqual(ref.betas.names.map(print));
    model.betas.forEach((b, j) => expect(b).toBeCloseTo(ref.betas.values[j], 4 - Math.floor(Math.log10(Math.abs(ref.betas.values[j])))));
    expect(model.alpha).toBeCloseTo(ref.alpha, 4);
    expect(model.entropy).toBeCloseTo(ref.entropy, 4);
  });
});
