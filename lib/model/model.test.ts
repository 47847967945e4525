/** fitMaxnet's refusals, and predictions from a model as stored (JSON) and as a grid's columns. */
import { describe, expect, it } from "vitest";
import { Rng } from "@/lib/simulator/prng";
import { ModelInputError } from "./errors";
import { fitMaxnet } from "./maxnet";
import { predict, predictColumns } from "./predict";
import { parseModel } from "./schema";

const variables = ["temperature", "rain", "noise"];
/** Presences near 20° and 800 mm; background everywhere. */
function data(presences: number, seed = 3) {
  const rng = new Rng(seed);
  const row = () => Float64Array.from([10 + 20 * rng.next(), 200 + 1600 * rng.next(), rng.next()]);
  const background = Array.from({ length: 400 }, row);
  const presence: Float64Array[] = [];
  while (presence.length < presences) {
    const r = row();
    if (Math.abs(r[0] - 20) < 3 && Math.abs(r[1] - 800) < 300) presence.push(r);
  }
  return { presence, background };
}

function refusal(fn: () => unknown): ModelInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ModelInputError) return error;
    throw error;
  }
  throw new Error("no ModelInputError was thrown");
}

describe("fitMaxnet refuses what it cannot fit, saying why", () => {
  const { presence, background } = data(30);

  it("fewer presences than the minimum (20 by default)", () => {
    const e = refusal(() => fitMaxnet(presence.slice(0, 19), background, variables));
    expect(e.code).toBe("not-enough-presences");
    expect(e.message).toMatch(/19 presences.*at least 20/);
    expect(fitMaxnet(presence.slice(0, 5), background, variables, { minPresences: 5 }).settings.features).toBe("l");
    expect(refusal(() => fitMaxnet(presence, background, variables, { minPresences: 1 })).code).toBe("invalid-settings");
  });

  it("NaN or infinite values, naming the row and variable", () => {
    const bad = background.map((r) => r.slice());
    bad[7][1] = Number.NaN;
    const e = refusal(() => fitMaxnet(presence, bad, variables));
    expect(e.code).toBe("non-finite-value");
    expect(e.message).toBe("Background row 7 has no finite value for rain (NaN).");
    const inf = presence.map((r) => r.slice());
    inf[2][0] = Infinity;
    expect(refusal(() => fitMaxnet(inf, background, variables)).message).toMatch(/Presence row 2 .* temperature/);
  });

  it("rows whose length is not the number of variables", () => {
    const e = refusal(() => fitMaxnet(presence, background, variables.slice(0, 2)));
    expect(e.code).toBe("variable-count-mismatch");
    expect(e.message).toBe("Presence row 0 has 3 values, but 2 variables are named.");
  });

  it("no background, a constant variable, unknown feature classes, a bad regmult", () => {
    expect(refusal(() => fitMaxnet(presence, [], variables)).code).toBe("no-background");
    const flat = (rows: Float64Array[]) => rows.map((r) => Float64Array.from([r[0], r[1], 5]));
    const e = refusal(() => fitMaxnet(flat(presence), flat(background), variables));
    expect(e.code).toBe("constant-variable");
    expect(e.message).toMatch(/^noise has the same value \(5\)/);
    expect(refusal(() => fitMaxnet(presence, background, variables, { features: "lqx" })).code).toBe("invalid-settings");
    expect(refusal(() => fitMaxnet(presence, background, variables, { regmult: 0 })).code).toBe("invalid-settings");
  });
});

describe("predictions", () => {
  const { presence, background } = data(40);
  const model = fitMaxnet(presence, background, variables);
  const rows = [...presence, ...background];

  it("are identical from the model serialised to JSON and read back", () => {
    expect(model.settings.features).toBe("lqh");
    expect(model.features.length).toBeGreaterThan(0);
    const stored = parseModel(JSON.parse(JSON.stringify(model)));
    for (const type of ["cloglog", "exponential", "logistic", "link"] as const) {
      expect(predict(stored, rows, type)).toEqual(predict(model, rows, type));
    }
  });

  it("rank presences above background (cloglog in (0, 1))", () => {
    const p = predict(model, presence, "cloglog");
    const b = predict(model, background, "cloglog");
    const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(p)).toBeGreaterThan(2 * mean(b));
    for (const x of [...p, ...b]) expect(x > 0 && x < 1).toBe(true);
  });

  it("over a grid's columns, in chunks, equal row predictions; nodata gives NaN", () => {
    const columns = variables.map((_, v) => Float32Array.from(rows, (r) => r[v]));
    columns[1][5] = Number.NaN;
    const whole = predictColumns(model, columns, "cloglog");
    const rounded = rows.map((r) => Float64Array.from(r, (x) => Math.fround(x)));
    const expected = predict(model, rounded, "cloglog");
    expected[5] = Number.NaN;
    expect(whole).toEqual(expected);
    const out = new Float64Array(rows.length);
    for (let start = 0; start < rows.length; start += 100) {
      const end = Math.min(rows.length, start + 100);
      predictColumns(model, columns, "cloglog", { start, end, out: out.subarray(start, end) });
    }
    expect(out).toEqual(whole);
  });

  it("are clamped to the training range by default, and not when asked", () => {
    // A variable with a linear or quadratic feature: its output keeps changing beyond the range unless clamped.
    const kept = model.features.find((f) => f.type === "linear" || f.type === "quadratic");
    if (!kept) throw new Error("the model has no linear or quadratic feature");
    const far = [Float64Array.from([20, 800, 0.5])];
    const edge = [far[0].slice()];
    far[0][kept.variable] = model.varMax[kept.variable] * 10;
    edge[0][kept.variable] = model.varMax[kept.variable];
    expect(predict(model, far, "link")).toEqual(predict(model, edge, "link"));
    expect(predict(model, far, "link", false)[0]).not.toBe(predict(model, edge, "link")[0]);
  });

  it("refuse mismatched rows and models that are not maxnet models", () => {
    expect(refusal(() => predict(model, [Float64Array.from([1, 2])], "cloglog")).code).toBe("variable-count-mismatch");
    expect(refusal(() => predictColumns(model, [new Float64Array(3)], "cloglog")).code).toBe("variable-count-mismatch");
    const columns = variables.map(() => new Float64Array(10));
    expect(refusal(() => predictColumns(model, columns, "cloglog", { start: 5, end: 11 })).message).toBe("Rows 5 to 11 are not a range within the 10 rows given.");
    expect(refusal(() => predictColumns(model, columns, "cloglog", { out: new Float64Array(9) })).code).toBe("invalid-settings");
    expect(refusal(() => predict(model, [], "probability" as "cloglog")).code).toBe("invalid-settings");
    expect(refusal(() => parseModel({ ...model, betas: model.betas.slice(1) })).code).toBe("invalid-model");
    expect(refusal(() => parseModel({ ...model, alpha: "x" })).message).toMatch(/^This is not a maxnet model: alpha/);
  });
});
