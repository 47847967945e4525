/**
 * Keeps `npm run bench` from rotting: the whole orchestration on a tiny world, checking that
 * every figure is there and is a number (no timing thresholds: those are the bench's job).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ArgsError, parseBenchArgs } from "./args";
import { runBench, type BenchResult } from "./bench";
import { goals, markdown, updateDocs, writeJson } from "./report";

/** Paths of numbers that are not finite (null is allowed only where /proc may be missing). */
function badNumbers(value: unknown, at = "result"): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [at];
  if (value === null) return /cpuSeconds|PeakRss|serverPeakRssBytes|MicrosPerRecord/.test(at) ? [] : [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => badNumbers(v, `${at}[${i}]`));
  if (typeof value === "object" && value) return Object.entries(value).flatMap(([k, v]) => badNumbers(v, `${at}.${k}`));
  return [];
}

describe("npm run bench", () => {
  it("measures every figure on a tiny world and reports each beside its goal", { timeout: 600_000 }, async () => {
    const lines: string[] = [];
    const result: BenchResult = await runBench({
      records: 20_000,
      seed: 3,
      postgis: true,
      tilePasses: 1,
      concurrentSeconds: 1,
      largeWorld: 20_000,
      modelWorld: 20_000,
      modelGrid: 200,
      liveWorld: 20_000,
      liveSubmits: 2,
      say: (l) => lines.push(l),
    });

    expect(badNumbers(result)).toEqual([]);
    expect(result.import.recordsPerSecond).toBeGreaterThan(0);
    // Both paths read the whole world into their own fresh database.
    expect(result.import.path).toBe("download");
    expect(result.searchImport).toMatchObject({ path: "search", added: result.import.added });
    // The same downloads again, their zips made once: the simulator's work is the serving only.
    expect(result.zipsReadyImport).toMatchObject({ path: "download", added: result.import.added });
    expect(result.zipsReadyImport.cpuSeconds.simulator!).toBeLessThan(result.import.cpuSeconds.simulator!);
    expect(result.searchImport.importerMicrosPerRecord).toBeGreaterThan(0);
    expect(result.storage.records).toBe(result.import.added);
    expect(result.storage.heapBytesPerRecord).toBeGreaterThan(0);
    expect(result.storage.indexes.map((i) => i.name)).toContain("occurrences_pkey");
    expect(result.tiles.warm.count).toBe(result.tiles.sessionTiles);
    expect(result.tiles.concurrent.tilesPerSecond).toBeGreaterThan(0);
    expect(result.tiles.concurrent.failed).toBe(0);
    expect(result.tiles.recolourDetailMs).toHaveLength(2);
    expect(result.clientClustering.points).toBeGreaterThan(0);
    expect(result.reclassify.cases.length).toBeGreaterThanOrEqual(6);
    expect(result.reclassify.cases.find((c) => c.name.includes("whole range"))?.changed).toBeGreaterThan(0);
    expect(result.distribution.recordsUsed).toBeGreaterThan(0);
    expect(result.distribution.layerBytes).toBeGreaterThan(0);
    expect(result.incremental.changedAtSource).toBe(200);
    expect(result.incremental.fetched).toBeGreaterThanOrEqual(200);
    expect(result.largeSpecies?.chunks).toBeGreaterThan(0);
    expect(result.largeSpecies?.freshSession.count).toBeGreaterThan(0);
    expect(result.live).toMatchObject({ subscribers: 500, errors: 0 });
    expect(result.live.fanOutMs.p50).toBeGreaterThan(0);
    // Issue 18: the largest species' model, fitted, projected on each scenario, tiled.
    expect(result.model?.recordsUsed).toBeGreaterThan(0);
    expect(result.model?.fit.presences).toBeGreaterThan(0);
    expect(result.model?.fit.background).toBeGreaterThan(0);
    expect(result.model?.fit.features).toBeGreaterThan(0);
    expect(result.model?.projections.map((p) => [p.width, p.height])).toEqual([[200, 200], [200, 200], [200, 200]]);
    expect(result.model?.tiles.count).toBe(81);
    // Issue 23: every submit reached the open page as a tile of a new version.
    expect(result.liveSubmit).toMatchObject({ submits: 2, toNewTileRequestMs: { count: 2 }, toNewTileAnsweredMs: { count: 2 }, postMs: { count: 2 } });
    expect(result.liveSubmit!.toNewTileRequestMs.p50).toBeGreaterThan(0);
    expect(result.liveSubmit!.toNewTileAnsweredMs.p50).toBeGreaterThanOrEqual(result.liveSubmit!.toNewTileRequestMs.p50);
    // The peer runs where Debian's PostGIS is installed, and says why not where it is not.
    if (result.postgis.available) expect(result.postgis.warm.count).toBe(result.tiles.sessionTiles);
    else expect(result.postgis.reason).toMatch(/PostGIS/);
    // A world this small has no million-record species, and the output says so.
    expect(result.simulator.largestSpecies.note).toMatch(/fewer than the 1,000,000/);
    expect(lines.some((l) => l.includes("full import"))).toBe(true);

    // Every goal of issue 9 is in the table with a value.
    const table = goals(result);
    const goalsOf = ["≥ 50 000 records/s", "≤ 100 B", "≤ 160 B", "p95 ≤ 5 ms", "≤ 500 ms", "≤ 2 s", "≥ 10× faster", "≤ 3 s", "≤ 1 s", "≤ 300 ms"];
    // …and issue 18's and 23's.
    goalsOf.push("≤ 60 s", "≤ 3 s per scenario", "p95 ≤ 10 ms", "p50 ≤ 1 s");
    for (const goal of goalsOf) {
      const row = table.find((g) => g.goal === goal);
      expect(row, goal).toBeDefined();
      expect(row!.value).not.toMatch(/NaN|undefined/);
      if (goal !== "≥ 10× faster" || result.postgis.available) expect(typeof row!.met, goal).toBe("boolean");
    }
    const md = markdown(result);
    expect(md).toContain("| measure | result | goal | |");
    expect(md).toContain(result.machine.cpu);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-bench-test-"));
    try {
      const file = writeJson(result, dir);
      expect(path.basename(file)).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(JSON.parse(JSON.stringify(result)));

      // The docs keep one section per record count, replaced in place, hand-written text kept.
      const doc = path.join(dir, "performance.md");
      fs.writeFileSync(doc, "# Performance\n\nNotes.\n\n## Latest results\n\n## Analysis\n\nMore notes.\n");
      updateDocs(result, doc);
      updateDocs({ ...result, options: { ...result.options, records: 50_000 } }, doc);
      updateDocs(result, doc);
      const text = fs.readFileSync(doc, "utf8");
      expect(text.match(/bench:results:20000:start/g)).toHaveLength(1);
      expect(text.indexOf("bench:results:20000:start")).toBeLessThan(text.indexOf("bench:results:50000:start"));
      expect(text).toContain("More notes.");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bench arguments", () => {
  it("defaults to a million records and updates the docs only for runs that large", () => {
    expect(parseBenchArgs([])).toMatchObject({ records: 1_000_000, seed: 1, postgis: true, docs: true, largeWorld: 5_000_000 });
    expect(parseBenchArgs([])).toMatchObject({ modelWorld: 5_000_000, modelGrid: 2000, liveWorld: 50_000, liveSubmits: 12 });
    expect(parseBenchArgs(["--large-world", "0"])).toMatchObject({ largeWorld: 0 });
    expect(parseBenchArgs(["--model-world", "0", "--live-world", "0"])).toMatchObject({ modelWorld: 0, liveWorld: 0 });
    expect(parseBenchArgs(["--records", "5_000_000", "--no-postgis"])).toMatchObject({ records: 5_000_000, postgis: false, docs: true });
    expect(parseBenchArgs(["--records", "20000"])).toMatchObject({ records: 20_000, docs: false });
    expect(parseBenchArgs(["--help"])).toBeNull();
  });

  it("refuses bad values with a message naming the option", () => {
    for (const [args, message] of [
      [["--records", "many"], /--records must be a whole number/],
      [["--records", "-5"], /--records/],
      [["--records", "10"], /--records must be from 1000/],
      [["--records", "20000000"], /--records must be from 1000 to 10000000/],
      [["--seed", "1.5"], /--seed must be a whole number/],
      [["--live-world", "500"], /--live-world must be 0 \(skip\) or from 1000/],
      [["--live-submits", "0"], /--live-submits must be from 1 to 100/],
      [["--model-grid", "big"], /--model-grid must be a whole number/],
      [["--frobnicate"], /frobnicate/],
      [["extra"], /extra/],
    ] as const) {
      expect(() => parseBenchArgs([...args]), args.join(" ")).toThrow(ArgsError);
      expect(() => parseBenchArgs([...args]), args.join(" ")).toThrow(message);
    }
  });
});
