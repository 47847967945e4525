/**
 * The sync schedule. SYNC_CRON is the default; an admin's change (sync_state.cron) overrides it
 * and survives restarts. pg-boss keeps the schedule in the database, so any process may set it.
 */
import type PgBoss from "pg-boss";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { QUEUES } from "./queue";

/** The cron expression in force; "" means no scheduled syncs. */
export async function effectiveCron(): Promise<string> {
  const { rows } = await pool().query<{ cron: string | null }>("SELECT cron FROM sync_state WHERE id = 1");
  return rows[0]?.cron ?? config().SYNC_CRON;
}

/** The time zone the cron expression is read in: the process's TZ, else UTC. */
export function scheduleTimeZone(): string {
  return process.env.TZ || "UTC";
}

/** Puts `cron` in force in the queue (validated by pg-boss: an invalid expression throws). */
export async function applySchedule(boss: PgBoss, cron: string): Promise<void> {
  if (cron === "") await boss.unschedule(QUEUES.scheduledSync);
  else await boss.schedule(QUEUES.scheduledSync, cron, {}, { tz: scheduleTimeZone() });
}
