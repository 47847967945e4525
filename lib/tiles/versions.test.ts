import { describe, expect, it } from "vitest";
import { VersionCache } from "./versions";

/** A database stand-in whose reads are counted and resolved by hand, and a clock moved by hand. */
function setup(ttlMs = 1000) {
  let version: number | null = 3;
  let clock = 0;
  const reads: (() => void)[] = [];
  let count = 0;
  const cache = new VersionCache(
    () => {
      count++;
      const seen = version;
      return new Promise((resolve) => reads.push(() => resolve(seen)));
    },
    ttlMs,
    () => clock,
  );
  const settle = async () => {
    while (reads.length) reads.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return {
    cache,
    settle,
    reads: () => count,
    setVersion: (v: number | null) => (version = v),
    advance: (ms: number) => (clock += ms),
  };
}

async function get(s: ReturnType<typeof setup>, id: number, atLeast: number | null = null) {
  const p = s.cache.get(id, atLeast);
  await s.settle();
  await s.settle();
  return p;
}

describe("VersionCache", () => {
  it("reads once per time to live, per species", async () => {
    const s = setup();
    expect(await get(s, 1)).toBe(3);
    expect(await get(s, 1)).toBe(3);
    expect(s.reads()).toBe(1);
    s.setVersion(4);
    s.advance(999);
    expect(await get(s, 1)).toBe(3);
    s.advance(1);
    expect(await get(s, 1)).toBe(4);
    expect(await get(s, 2)).toBe(4);
    expect(s.reads()).toBe(3);
  });

  it("re-reads at once for a client naming a newer version, and keeps what it read", async () => {
    const s = setup();
    expect(await get(s, 1)).toBe(3);
    s.setVersion(5);
    expect(await get(s, 1, 3)).toBe(3);
    expect(await get(s, 1, 5)).toBe(5);
    expect(await get(s, 1)).toBe(5);
    expect(s.reads()).toBe(2);
  });

  it("shares one read between concurrent callers", async () => {
    const s = setup();
    const all = Promise.all([s.cache.get(1), s.cache.get(1), s.cache.get(1)]);
    await s.settle();
    expect(await all).toEqual([3, 3, 3]);
    expect(s.reads()).toBe(1);
  });

  it("remembers unknown species (null) for the time to live too", async () => {
    const s = setup();
    s.setVersion(null);
    expect(await get(s, 9)).toBeNull();
    expect(await get(s, 9)).toBeNull();
    expect(s.reads()).toBe(1);
  });

  it("with a time to live of 0 reads every time", async () => {
    const s = setup(0);
    await get(s, 1);
    await get(s, 1);
    expect(s.reads()).toBe(2);
  });
});
