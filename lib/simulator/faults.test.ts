/**
 * Fault injection over HTTP: each mode fails the way the real service and its gateway do, at the
 * configured share, deterministically by seed, only where asked, never on /__control.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_MODES, parseFaultSpec, startSimulator, type FaultConfig, type Simulator } from "./index";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ records: 600, seed: 29 });
});
afterAll(() => sim.close());

const SEARCH = "/occurrences/search?q=*:*&pageSize=10&sort=id&dir=asc";

async function get(path: string, init: RequestInit = {}) {
  const res = await fetch(sim.url + path, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Runs `body` with only these faults on; counts start at zero. */
async function withFaults<T>(config: FaultConfig, body: () => Promise<T>): Promise<T> {
  sim.faults.set(config);
  sim.faults.resetCounts();
  try {
    return await body();
  } finally {
    sim.faults.clear();
  }
}

const always = (mode: (typeof FAULT_MODES)[number], extra: Omit<FaultConfig, "rules"> = {}): FaultConfig => ({ rules: [{ mode, rate: 1 }], ...extra });

describe("fault modes", () => {
  it("500: a Spring error body", async () => {
    const r = await withFaults(always("500"), () => get(SEARCH));
    expect(r.status).toBe(500);
    expect(JSON.parse(r.text)).toMatchObject({ status: 500, error: "Internal Server Error", path: "/occurrences/search" });
  });

  it("502 and 503: the gateway's HTML pages", async () => {
    for (const status of ["502", "503"] as const) {
      const r = await withFaults(always(status), () => get(SEARCH));
      expect(r.status).toBe(Number(status));
      expect(r.headers.get("content-type")).toBe("text/html");
      expect(r.text).toContain(status);
    }
  });

  it("429: Too Many Requests with the configured Retry-After", async () => {
    const r = await withFaults(always("429", { retryAfterSeconds: 7 }), () => get(SEARCH));
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
  });

  it("slow: the right answer, after the configured delay", async () => {
    const clean = await get(SEARCH);
    const started = performance.now();
    const r = await withFaults(always("slow", { delayMs: 120 }), () => get(SEARCH));
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);
    expect(r).toMatchObject({ status: 200, text: clean.text });
    expect(sim.faults.counts().slow).toBe(1);
  });

  it("hang: no answer at all, until the client gives up; the server goes on serving", async () => {
    const outcome = await withFaults(always("hang"), async () => {
      const error = await fetch(sim.url + SEARCH, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
      return { error, counts: sim.faults.counts() };
    });
    expect((outcome.error as Error).name).toBe("TimeoutError");
    expect(outcome.counts.hang).toBe(1);
    expect((await get(SEARCH)).status).toBe(200);
  });

  it("truncate: a 200 whose body is the first half of the right one", async () => {
    const clean = await get(SEARCH);
    const r = await withFaults(always("truncate"), () => get(SEARCH));
    expect(r.status).toBe(200);
    expect(r.text.length).toBeLessThan(clean.text.length);
    expect(clean.text.startsWith(r.text)).toBe(true);
    expect(() => JSON.parse(r.text)).toThrow();
  });

  it("invalidJson: a 200 that does not parse, even for a body with no object in it", async () => {
    for (const path of [SEARCH, "/occurrence/deleted?date=2020-01-01"]) {
      const r = await withFaults(always("invalidJson"), () => get(path));
      expect(r.status).toBe(200);
      expect(() => JSON.parse(r.text)).toThrow();
    }
  });

  it("shortPage: fewer records than the page should hold, middle or last page; totalRecords unchanged", async () => {
    const clean = JSON.parse((await get(SEARCH)).text);
    const { middle, last, single, counts } = await withFaults(always("shortPage"), async () => ({
      middle: JSON.parse((await get(SEARCH)).text),
      last: JSON.parse((await get(`/occurrences/search?q=*:*&pageSize=10&startIndex=${clean.totalRecords - 4}&sort=id`)).text),
      single: JSON.parse((await get("/occurrences/search?q=*:*&pageSize=1")).text),
      counts: { injected: sim.faults.counts().shortPage, opportunities: sim.faults.opportunityCounts().shortPage },
    }));
    expect(middle.totalRecords).toBe(clean.totalRecords);
    expect(middle.occurrences).toEqual(clean.occurrences.slice(0, 5));
    expect(last.occurrences).toHaveLength(2);
    // A page of one record cannot be cut: no fault, and no opportunity for one.
    expect(single.occurrences).toHaveLength(1);
    expect(counts).toEqual({ injected: 2, opportunities: 2 });
  });

  it("shortPage leaves other endpoints alone", async () => {
    const clean = await get("/occurrences/facets?facets=basisOfRecord");
    expect(await withFaults(always("shortPage"), () => get("/occurrences/facets?facets=basisOfRecord"))).toMatchObject({ status: 200, text: clean.text });
  });
});

describe("fault rules", () => {
  const statuses = async (n: number) => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) out.push((await get(SEARCH)).status);
    return out;
  };

  it("hit about the configured share of requests, split between modes", async () => {
    const seen = await withFaults({ rules: [{ mode: "500", rate: 0.2 }, { mode: "503", rate: 0.1 }] }, () => statuses(600));
    const share = (s: number) => seen.filter((x) => x === s).length / seen.length;
    expect(share(500)).toBeGreaterThan(0.15);
    expect(share(500)).toBeLessThan(0.25);
    expect(share(503)).toBeGreaterThan(0.06);
    expect(share(503)).toBeLessThan(0.14);
    expect(share(200)).toBeCloseTo(1 - share(500) - share(503));
  });

  it("are deterministic by seed: the same requests fail again; another seed fails others", async () => {
    const rules = [{ mode: "500" as const, rate: 0.3 }];
    const a = await withFaults({ rules, seed: 1 }, () => statuses(60));
    const b = await withFaults({ rules, seed: 1 }, () => statuses(60));
    const c = await withFaults({ rules, seed: 2 }, () => statuses(60));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // A simulator started with the same seed and faults draws the same sequence.
    const twin = await startSimulator({ records: 600, seed: 29, faults: { rules } });
    try {
      sim.faults.set({ rules });
      const here = await statuses(40);
      const there: number[] = [];
      for (let k = 0; k < 40; k++) there.push((await fetch(twin.url + SEARCH)).status);
      expect(there).toEqual(here);
    } finally {
      sim.faults.clear();
      await twin.close();
    }
  });

  it("apply only under their paths, and never to /__control", async () => {
    await withFaults({ rules: [{ mode: "500", rate: 1, paths: ["/occurrences/facets"] }] }, async () => {
      expect((await get(SEARCH)).status).toBe(200);
      expect((await get("/occurrences/facets?facets=year")).status).toBe(500);
      expect((await get("/ws/occurrences/facets?facets=year")).status).toBe(500);
    });
    await withFaults(always("500"), async () => {
      expect((await get("/__control/")).status).toBe(200);
      expect((await get("/__control/truth")).status).toBe(200);
    });
  });

  it("are set, read and cleared through the control API", async () => {
    const post = await fetch(`${sim.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ rules: [{ mode: "429", rate: 1 }], retryAfterSeconds: 3, resetCounts: true }),
    });
    expect(post.status).toBe(200);
    expect((await get(SEARCH)).headers.get("retry-after")).toBe("3");
    const state = JSON.parse((await get("/__control/faults")).text);
    expect(state).toMatchObject({ rules: [{ mode: "429", rate: 1 }], retryAfterSeconds: 3, counts: { 429: 1 }, opportunities: { 429: 1 } });
    const cleared = JSON.parse((await get("/__control/faults?counts=reset", { method: "DELETE" })).text);
    expect(cleared).toMatchObject({ rules: [], counts: { 429: 0 } });
    expect((await get(SEARCH)).status).toBe(200);
  });

  it("parse from the command line's spec, and refuse anything else", () => {
    expect(parseFaultSpec("500:0.1, 429:0.05,slow:0.2@/occurrences/search|/occurrences/facets")).toEqual([
      { mode: "500", rate: 0.1 },
      { mode: "429", rate: 0.05 },
      { mode: "slow", rate: 0.2, paths: ["/occurrences/search", "/occurrences/facets"] },
    ]);
    for (const bad of ["500", "500:2", "teapot:0.1", "500:x", "500:0.1@"]) expect(() => parseFaultSpec(bad), bad).toThrow(/bad fault/);
    expect(() => sim.faults.set({ rules: [{ mode: "500", rate: 0.6 }, { mode: "502", rate: 0.6 }] })).toThrow(RangeError);
  });
});
