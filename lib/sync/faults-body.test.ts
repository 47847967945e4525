/** The sync through slow, broken and short answers (lib/sync/fault-suite.ts). */
import { faultSuite } from "./fault-suite";

// Slow but within the request timeout: waited for. Slower than the timeout: given up on and retried.
faultSuite({ mode: "slow", rate: 0.35, reason: /^timed out/, faults: { delayMs: 30 }, retried: false });
faultSuite({ mode: "slow", rate: 0.35, reason: /^timed out after 250 ms$/, faults: { delayMs: 600 }, client: { timeoutMs: 250 } });
faultSuite({ mode: "truncate", rate: 0.35, reason: /^invalid JSON/ });
faultSuite({ mode: "invalidJson", rate: 0.35, reason: /^invalid JSON/ });
// Only a search answer with two records or more can come back short.
faultSuite({ mode: "shortPage", rate: 0.4, reason: /^short page: \d+ of \d+ records$/, searchOnly: true });
