/** The sync through error answers and lost connections (lib/sync/fault-suite.ts). */
import { expect } from "vitest";
import { faultSuite } from "./fault-suite";

for (const status of ["500", "502", "503"] as const) faultSuite({ mode: status, rate: 0.35, reason: new RegExp(`^HTTP ${status}$`) });

faultSuite({
  mode: "429",
  rate: 0.35,
  reason: /^HTTP 429$/,
  // The server asks for 1 s; the client caps waits at 40 ms here, still above its own 1 ms back-off.
  faults: { retryAfterSeconds: 1 },
  client: { maxRetryAfterMs: 40 },
  check: (retries) => {
    const throttled = retries.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((r) => r.delayMs >= 40)).toBe(true);
  },
});

// Connections that never answer: the request timeout ends each, and it is retried.
faultSuite({ mode: "hang", rate: 0.35, reason: /^timed out after 300 ms$/, client: { timeoutMs: 300 } });
