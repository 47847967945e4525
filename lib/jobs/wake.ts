/**
 * Waking the worker at once instead of at its next poll. pg-boss only polls (every
 * `pollingIntervalSeconds`); `notifyWorker(id)` (pg-boss 10, src/manager.js) cuts a worker's
 * wait short. A web process that queued a job NOTIFYs `edgar_jobs` with the queue's name, after
 * the job is stored; each worker LISTENs and notifies its own pg-boss worker of that queue. A lost
 * NOTIFY costs only the wait: polling stays as the fallback.
 */
import type PgBoss from "pg-boss";
import { pool } from "@/lib/db/pool";
import { listen, type Listener } from "@/lib/events/listener";
import { log } from "@/lib/log";

export const JOBS_CHANNEL = "edgar_jobs";

/** Tells the workers that `queue` has a job waiting. Never throws: the poll finds the job anyway. */
export async function wakeWorkers(queue: string): Promise<void> {
  try {
    await pool().query("SELECT pg_notify($1, $2)", [JOBS_CHANNEL, queue]);
  } catch (err) {
    log.warn({ err, queue }, "could not wake the workers; the job waits for their next poll");
  }
}

/** Notifies the pg-boss worker `workerIds[queue]` whenever `queue` is woken. */
export function listenForWakes(url: string, boss: PgBoss, workerIds: Record<string, string>): Listener {
  return listen({
    url,
    channel: JOBS_CHANNEL,
    onMessage: (queue) => {
      const id = workerIds[queue];
      if (id) boss.notifyWorker(id);
    },
  });
}
