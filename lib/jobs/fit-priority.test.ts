/**
 * enqueueFitModel on a real pg-boss: a request for a species whose fit already waits (the stately
 * queue keeps one waiting job a species) raises that job to a request's priority and flag, so it
 * goes before the backlog of changes; a change joining a waiting request lowers nothing.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { enqueueFitModel, FIT_REQUEST_PRIORITY, QUEUES, queue, stopQueue } from "./queue";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await stopQueue();
  await db?.drop();
});

const waiting = async () =>
  (
    await db.pool.query<{ key: string; priority: number; data: { speciesId: number; requested?: boolean } }>(
      "SELECT singleton_key AS key, priority, data FROM pgboss.job WHERE name = $1 AND state = 'created' ORDER BY singleton_key",
      [QUEUES.fitModel],
    )
  ).rows;

it("a request joining a waiting fit keeps the request's priority, and it is fetched first", { timeout: 120_000 }, async () => {
  // The backlog: changes for species 1 and 2, species 1 queued first.
  await enqueueFitModel({ speciesId: 1 });
  await enqueueFitModel({ speciesId: 2 });
  // An expert asks for species 2 while its change waits: no second job, the waiting one is raised.
  await enqueueFitModel({ speciesId: 2, requested: true });
  expect(await waiting()).toEqual([
    { key: "1", priority: 0, data: { speciesId: 1 } },
    { key: "2", priority: FIT_REQUEST_PRIORITY, data: { speciesId: 2, requested: true } },
  ]);

  // A later change joining the request leaves it a request.
  await enqueueFitModel({ speciesId: 2 });
  expect((await waiting())[1]).toEqual({ key: "2", priority: FIT_REQUEST_PRIORITY, data: { speciesId: 2, requested: true } });

  // The worker's fetch takes the request before the older change.
  const [first] = await (await queue()).fetch<{ speciesId: number; requested?: boolean }>(QUEUES.fitModel);
  expect(first.data).toEqual({ speciesId: 2, requested: true });
});
