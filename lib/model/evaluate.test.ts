/** The evaluation shown with every model, on synthetic species whose niche is known. */
import { describe, expect, it } from "vitest";
import { Rng } from "@/lib/simulator/prng";
import { auc, evaluate, maxSensSpecThreshold, spatialBlocks } from "./evaluate";
import { fitMaxnet } from "./maxnet";
import { predict } from "./predict";

const variables = ["temperature", "rain", "noise"];
/** Temperature falls southward, rain eastward; `niche` decides where presences are. */
function species(presences: number, niche: (t: number, r: number) => boolean, seed: number) {
  const rng = new Rng(seed);
  const draw = () => {
    const lon = 140 + 10 * rng.next();
    const lat = -40 + 10 * rng.next();
    return { lon, lat, row: Float64Array.from([30 + 1.5 * lat + rng.gauss(), 2000 - 150 * (lon - 140) + 50 * rng.gauss(), rng.next()]) };
  };
  const background = Array.from({ length: 600 }, draw);
  const presence: ReturnType<typeof draw>[] = [];
  while (presence.length < presences) {
    const d = draw();
    if (niche(d.row[0], d.row[1])) presence.push(d);
  }
  return {
    presence: presence.map((d) => d.row),
    background: background.map((d) => d.row),
    presencePositions: Float64Array.from(presence.flatMap((d) => [d.lon, d.lat])),
    backgroundPositions: Float64Array.from(background.flatMap((d) => [d.lon, d.lat])),
  };
}

describe("auc and threshold", () => {
  it("AUC counts ties as half", () => {
    expect(auc([3, 2], [1, 2])).toBe(3.5 / 4);
    expect(auc([1], [1, 1])).toBe(0.5);
  });

  it("the threshold maximises sensitivity + specificity", () => {
    const rng = new Rng(9);
    const p = Array.from({ length: 50 }, () => 0.3 + 0.7 * rng.next());
    const b = Array.from({ length: 200 }, () => 0.6 * rng.next());
    const best = maxSensSpecThreshold(p, b);
    for (const t of [...p, ...b]) {
      const sens = p.filter((x) => x >= t).length / p.length;
      const spec = b.filter((x) => x < t).length / b.length;
      expect(sens + spec).toBeLessThanOrEqual(best.sensitivity + best.specificity + 1e-12);
    }
    expect(best.sensitivity).toBe(p.filter((x) => x >= best.threshold).length / p.length);
  });
});

describe("spatial blocks", () => {
  it("splits presences into quadrants at the longitude median, then each half's latitude median", () => {
    const pos = Float64Array.from(Array.from({ length: 8 }, (_, i) => [i % 4, Math.floor(i / 4) * 10 + (i % 2)]).flat());
    const bg = Float64Array.from([0, 0, 3, 19]);
    const { presenceFold, backgroundFold } = spatialBlocks(pos, bg, 4);
    for (let k = 0; k < 4; k++) expect(presenceFold.filter((f) => f === k).length).toBe(2);
    // West (lon ≤ 1), south first; then east.
    expect([...presenceFold]).toEqual([0, 0, 2, 2, 1, 1, 3, 3]);
    expect([...backgroundFold]).toEqual([0, 3]);
    expect(() => spatialBlocks(pos, bg, 3)).toThrow(/power of 2/);
  });
});

describe("evaluate", () => {
  const warm = (t: number, r: number) => Math.abs(t + 22) < 2 && r > 1100;

  it("gives a high training and test AUC to a real niche, and credits the variables that make it", () => {
    const data = species(120, warm, 5);
    const model = fitMaxnet(data.presence, data.background, variables, { features: "lq" });
    const e = evaluate(model, data);
    expect(e.presenceCount).toBe(120);
    expect(e.trainingAuc).toBeGreaterThan(0.85);
    expect(e.folds).toHaveLength(4);
    for (const f of e.folds) expect(f.auc).not.toBeNull();
    expect(e.testAuc).toBeGreaterThan(0.8);
    const cl = predict(model, data.presence, "cloglog");
    expect(e.sensitivity).toBe(cl.filter((x) => x >= e.threshold).length / cl.length);
    const percent = Object.fromEntries(e.contributions.map((c) => [c.variable, c.percent]));
    expect(percent.temperature + percent.rain + percent.noise).toBeCloseTo(100, 9);
    expect(percent.noise).toBeLessThan(percent.temperature);
    expect(percent.noise).toBeLessThan(percent.rain);
    expect(evaluate(model, data)).toEqual(e);
  });

  it("gives presences drawn anywhere a test AUC near 0.5", () => {
    const data = species(120, () => true, 6);
    const model = fitMaxnet(data.presence, data.background, variables, { features: "lq" });
    expect(evaluate(model, data).testAuc).toBeLessThan(0.65);
  });

  it("refuses positions that do not match the rows", () => {
    const data = species(30, warm, 7);
    const model = fitMaxnet(data.presence, data.background, variables, { features: "lq" });
    expect(() => evaluate(model, { ...data, presencePositions: data.presencePositions.subarray(2) })).toThrow(/longitude and a latitude/);
  });
});
