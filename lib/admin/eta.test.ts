import { describe, expect, it } from "vitest";
import { addSample, estimate, RATE_WINDOW_MS, type ProgressSample } from "./eta";

const feed = (...samples: ProgressSample[]) => samples.reduce<readonly ProgressSample[]>((all, s) => addSample(all, s), []);

describe("addSample", () => {
  it("ignores a repeated or older write", () => {
    const samples = feed({ at: 1000, done: 10 }, { at: 2000, done: 20 });
    expect(addSample(samples, { at: 2000, done: 25 })).toBe(samples);
    expect(addSample(samples, { at: 1500, done: 30 })).toBe(samples);
  });

  it("starts over when progress goes backwards (a new phase)", () => {
    expect(feed({ at: 1000, done: 500 }, { at: 2000, done: 900 }, { at: 3000, done: 2 })).toEqual([{ at: 3000, done: 2 }]);
  });

  it("keeps only the last window, but never fewer than one earlier sample", () => {
    const samples = feed({ at: 0, done: 0 }, { at: 10_000, done: 10 }, { at: RATE_WINDOW_MS + 20_000, done: 40 });
    expect(samples).toEqual([{ at: 10_000, done: 10 }, { at: RATE_WINDOW_MS + 20_000, done: 40 }]);
    expect(feed({ at: 0, done: 0 }, { at: RATE_WINDOW_MS * 3, done: 90 })).toHaveLength(2);
  });
});

describe("estimate", () => {
  it("is unknown with fewer than two samples", () => {
    expect(estimate([], 100)).toEqual({ perSecond: null, secondsLeft: null });
    expect(estimate(feed({ at: 0, done: 5 }), 100)).toEqual({ perSecond: null, secondsLeft: null });
  });

  it("divides the progress over the window by its time, and the rest by that rate", () => {
    const e = estimate(feed({ at: 0, done: 0 }, { at: 2000, done: 300 }, { at: 4000, done: 400 }), 1400);
    expect(e.perSecond).toBe(100);
    expect(e.secondsLeft).toBe(10);
  });

  it("has no time left to offer while nothing moves, and none left once done", () => {
    expect(estimate(feed({ at: 0, done: 50 }, { at: 5000, done: 50 }), 100)).toEqual({ perSecond: 0, secondsLeft: null });
    expect(estimate(feed({ at: 0, done: 50 }, { at: 1000, done: 100 }), 100).secondsLeft).toBe(0);
  });
});
