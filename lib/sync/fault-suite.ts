/**
 * The sync under one fault mode (vitest suite, shared by the faults-*.test.ts files so the modes
 * run in two files at once): a full import and an incremental run, each with at least a fifth
 * of the requests failing that way, must end with the local copy equal to the ground truth.
 */
import { describe, expect, it } from "vitest";
import type { AlaClientOptions, RetryInfo } from "@/lib/ala/client";
import type { FaultConfig, FaultMode } from "@/lib/simulator";
import { runSync } from "./run";
import { lastImportAt } from "./runs";
import { changeWorld, clientFor, differences, staleSpeciesCounts } from "./test-support";
import { syncFixture } from "./test-fixture";

export interface FaultCase {
  mode: FaultMode;
  /** Share of requests drawn for the fault. */
  rate: number;
  /** How the client sees the fault (every retry it causes says so). */
  reason: RegExp;
  /** False for a fault the client must simply wait out (a slow answer within the timeout). */
  retried?: boolean;
  faults?: Omit<FaultConfig, "rules">;
  client?: Partial<AlaClientOptions>;
  /** Extra checks of the retries the run made. */
  check?: (retries: RetryInfo[]) => void;
  /** The fault only hits search answers: the full import pages by search too. */
  searchOnly?: boolean;
}

export function faultSuite(c: FaultCase): void {
  const delay = c.faults?.delayMs === undefined ? "" : ` (${c.faults.delayMs} ms)`;
  describe(`sync with "${c.mode}"${delay} on ${c.rate * 100}% of requests`, () => {
    const f = syncFixture({ records: 500, seed: 5 });

    const faultedRun = async (kind: "full" | "incremental") => {
      f.sim.faults.set({ ...c.faults, rules: [{ mode: c.mode, rate: c.rate }] });
      f.sim.faults.resetCounts();
      f.sim.requests.reset();
      // A third of the requests fail: 16 retries make running out a one-in-fifty-million event per request.
      const retries: RetryInfo[] = [];
      const result = await runSync({
        kind,
        client: clientFor(f.sim, { retries: 16, onRetry: (r) => retries.push(r), ...c.client }),
        bulkReads: c.searchOnly ? "search" : "download",
      });
      f.sim.faults.clear();
      expect(result.error).toBeNull();
      expect(result.status).toBe("succeeded");
      expect(await differences(f.db.pool, f.sim)).toEqual([]);
      expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
      expect(await lastImportAt(f.db.pool)).toEqual(new Date(result.run!.startedAt!));

      // At least a fifth of the requests the mode could hit (every request, but for short pages
      // only answers of two records or more) were hit.
      const injected = f.sim.faults.counts()[c.mode];
      const opportunities = f.sim.faults.opportunityCounts()[c.mode];
      // The figure docs/reliability.md cites.
      console.log(`reliability: fault ${c.mode}${delay} ${kind} run: ${injected} injected of ${opportunities} requests it could hit`);
      if (c.mode !== "shortPage") expect(opportunities).toBe(f.sim.requests.snapshot().total);
      expect(injected / opportunities).toBeGreaterThanOrEqual(0.2);
      // Every injected fault cost one retry, for the reason the fault gives (or none at all).
      const caused = retries.filter((r) => c.reason.test(r.reason)).length;
      if (c.retried === false) expect(caused).toBe(0);
      else expect(caused).toBeGreaterThanOrEqual(injected);
      c.check?.(retries);
    };

    it("a full import ends equal to the ground truth", () => faultedRun("full"));

    it("an incremental run after adds, updates, deletes, a split, a merge and a retirement ends equal", async () => {
      changeWorld(f.sim);
      await faultedRun("incremental");
    });
  });
}
