/**
 * A worker polling only every ten minutes still runs a job as soon as it is queued, when the
 * sender wakes it (lib/jobs/wake.ts) — real pg-boss, real LISTEN/NOTIFY.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Listener } from "@/lib/events/listener";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { queue, stopQueue } from "./queue";
import { listenForWakes, wakeWorkers } from "./wake";

const QUEUE = "wake-test";
let db: TestDatabase;
let wakes: Listener | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await wakes?.stop();
  await stopQueue();
  await db?.drop();
});

it("wakes a worker between its polls", { timeout: 120_000 }, async () => {
  const boss = await queue({ worker: true });
  await boss.createQueue(QUEUE);
  const handled: number[] = [];
  const waiting = new Map<number, () => void>();
  const workerId = await boss.work<{ n: number }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 600 }, async ([job]) => {
    handled.push(job.data.n);
    waiting.get(job.data.n)?.();
  });
  wakes = listenForWakes(db.url, boss, { [QUEUE]: workerId });
  await wakes.ready;
  const done = (n: number) => new Promise<void>((resolve) => (handled.includes(n) ? resolve() : waiting.set(n, resolve)));

  // The first job may be found by the worker's first fetch; by the second, the worker is in its
  // ten-minute wait, which only the wake can cut short (the test would time out first).
  for (const n of [1, 2, 3]) {
    await boss.send(QUEUE, { n });
    await wakeWorkers(QUEUE);
    await done(n);
  }
  expect(handled).toEqual([1, 2, 3]);
});
