/**
 * Test helper run as a child process (kill.test.ts, exclusive.test.ts): one runSync against the
 * simulator at SIM_URL on DATABASE_URL. Every progress change is a JSON line on stdout, so the
 * parent can SIGKILL it at a chosen point; the outcome is the last line. Exit 0: succeeded;
 * 1: failed; 2: refused (another sync is running).
 */
import { closePool } from "@/lib/db/pool";
import { SyncAlreadyRunning } from "./errors";
import { runSync } from "./run";
import { clientFor } from "./test-support";

const say = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const kind = process.env.SYNC_KIND === "full" ? "full" : "incremental";
try {
  const result = await runSync({
    kind,
    client: clientFor({ url: process.env.SIM_URL! }, { retries: 10 }),
    onProgress: (p) => say({ progress: { phase: p.phase, done: p.done, total: p.total } }),
  });
  say({ result: { runId: result.runId, status: result.status, resumed: result.resumed, error: result.error } });
  await closePool();
  process.exit(result.status === "succeeded" ? 0 : 1);
} catch (err) {
  if (!(err instanceof SyncAlreadyRunning)) throw err;
  say({ refused: { runId: err.runId } });
  await closePool();
  process.exit(2);
}
