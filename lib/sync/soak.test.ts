/**
 * The long variant (EDGAR_SOAK=1; skipped otherwise): a bigger world, every fault mode at once on
 * over 40 % of requests, a full import and several rounds of changes, each ending equal.
 */
import { describe, expect, it } from "vitest";
import type { FaultRule } from "@/lib/simulator";
import { runSync } from "./run";
import { changeWorld, clientFor, differences, staleSpeciesCounts } from "./test-support";
import { syncFixture } from "./test-fixture";

const RULES: FaultRule[] = [
  { mode: "500", rate: 0.05 },
  { mode: "502", rate: 0.05 },
  { mode: "503", rate: 0.05 },
  { mode: "429", rate: 0.05 },
  { mode: "hang", rate: 0.03 },
  { mode: "slow", rate: 0.05 },
  { mode: "truncate", rate: 0.05 },
  { mode: "invalidJson", rate: 0.05 },
  { mode: "shortPage", rate: 0.05 },
];

describe.skipIf(!process.env.EDGAR_SOAK)("soak: every fault at once, many rounds", () => {
  const f = syncFixture({ records: 20_000, seed: 101, faults: { rules: RULES, delayMs: 20, retryAfterSeconds: 1 } });

  // 43 % of requests fail: 20 retries make running out a one-in-fifty-million event per request.
  const client = () => clientFor(f.sim, { retries: 20, timeoutMs: 400, maxRetryAfterMs: 20 });

  it("a full import and five incremental rounds each end equal", { timeout: 1_200_000 }, async () => {
    expect((await runSync({ kind: "full", client: client() })).status).toBe("succeeded");
    expect(await differences(f.db.pool, f.sim)).toEqual([]);
    for (let round = 1; round <= 5; round++) {
      changeWorld(f.sim, round);
      const result = await runSync({ client: client() });
      expect({ round, status: result.status, error: result.error }).toEqual({ round, status: "succeeded", error: null });
      expect(await differences(f.db.pool, f.sim)).toEqual([]);
      expect(await staleSpeciesCounts(f.db.pool)).toEqual([]);
    }
    const counts = f.sim.faults.counts();
    const total = Object.values(counts).reduce((a, n) => a + n, 0);
    console.log(`reliability: soak, 6 runs under every fault mode at once: ${total} faults injected ${JSON.stringify(counts)}`);
    for (const rule of RULES) expect({ mode: rule.mode, hit: counts[rule.mode] > 0 }).toEqual({ mode: rule.mode, hit: true });
  });
});
