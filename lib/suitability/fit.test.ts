/** runFit: the main fit and the folds spread over real worker threads give what one thread gives. */
import { describe, expect, it } from "vitest";
import { evaluate, fitMaxnet } from "@/lib/model";
import { Rng } from "@/lib/simulator/prng";
import { runFit, type FitInput } from "./fit";

/** Warm in the west, wet in the north; presences where both are high. Positions in degrees. */
function input(presences: number, seed = 4): FitInput {
  const rng = new Rng(seed);
  const draw = () => {
    const lon = 140 + 10 * rng.next();
    const lat = -40 + 10 * rng.next();
    return { lon, lat, row: [40 - (lon - 140) * 2 + rng.gauss(), 500 + (lat + 40) * 100 + 20 * rng.gauss(), rng.next()] };
  };
  const background = Array.from({ length: 400 }, draw);
  const presence: ReturnType<typeof draw>[] = [];
  while (presence.length < presences) {
    const d = draw();
    if (d.row[0] > 30 && d.row[1] > 1000) presence.push(d);
  }
  return {
    variables: ["temp", "rain", "noise"],
    presence: Float64Array.from(presence.flatMap((d) => d.row)),
    background: Float64Array.from(background.flatMap((d) => d.row)),
    presencePositions: Float64Array.from(presence.flatMap((d) => [d.lon, d.lat])),
    backgroundPositions: Float64Array.from(background.flatMap((d) => [d.lon, d.lat])),
    settings: { features: "lqh" },
    folds: 4,
    seed: 1,
  };
}

const rows = (flat: Float64Array) => Array.from({ length: flat.length / 3 }, (_, r) => flat.subarray(r * 3, r * 3 + 3));

describe("runFit", () => {
  it("gives, over 2 threads, exactly the model and evaluation of one thread", async () => {
    const data = input(60);
    const outcome = await runFit(data, 2);
    if (!outcome.ok) throw new Error(outcome.message);
    const presence = rows(data.presence);
    const background = rows(data.background);
    const model = fitMaxnet(presence, background, data.variables, data.settings);
    const evaluation = evaluate(model, { presence, background, presencePositions: data.presencePositions, backgroundPositions: data.backgroundPositions }, { folds: 4, seed: 1 });
    expect(outcome.model).toEqual(model);
    expect(outcome.evaluation).toEqual(evaluation);
    expect(outcome.evaluation.folds.map((f) => f.auc)).not.toContain(null);
    // And one thread doing every task in turn gives the same.
    const single = await runFit(data, 1);
    expect(single).toMatchObject({ ok: true, model, evaluation });
  }, 120_000);

  it("reports input the model cannot fit, and a bad fold count, with their codes", async () => {
    expect(await runFit({ ...input(10), settings: {} }, 2)).toEqual({ ok: false, code: "not-enough-presences", message: expect.stringMatching(/10 presences.*at least 20/) });
    const bad = await runFit({ ...input(30), folds: 3 }, 2);
    expect(bad).toEqual({ ok: false, code: "invalid-settings", message: expect.stringMatching(/power of 2/) });
    const nan = input(30);
    nan.background[4] = Number.NaN;
    expect(await runFit(nan, 2)).toMatchObject({ ok: false, code: "non-finite-value" });
  }, 120_000);
});
