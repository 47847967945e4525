/**
 * The scheduled incremental sync, as the admin console reads and changes it. SYNC_CRON is the
 * default; an admin's expression (sync_state.cron) overrides it until reset. A change is stored
 * and put in force in pg-boss together, so the two never disagree.
 */
import parser from "cron-parser";
import { z } from "zod";
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { HttpError } from "@/lib/http/respond";
import { queue } from "@/lib/jobs/queue";
import { applySchedule, scheduleTimeZone } from "@/lib/jobs/schedule";
import { log } from "@/lib/log";
import { transaction } from "@/lib/db/transaction";

/** `cron`: five-field expression, "" for no scheduled syncs, null for the SYNC_CRON default. */
export const scheduleBodySchema = z.object({ cron: z.string().max(200, "must be at most 200 characters").nullable() }).strict();
export type ScheduleBody = z.infer<typeof scheduleBodySchema>;

export interface Schedule {
  /** The expression in force; "" means scheduled syncs are off. */
  cron: string;
  /** `admin`: set from the console; `env`: SYNC_CRON. */
  source: "env" | "admin";
  /** SYNC_CRON, what "use the default" goes back to. */
  defaultCron: string;
  timeZone: string;
  nextRunAt: string | null;
}

const EXAMPLE = 'e.g. "0 3 * * *" for 03:00 every day';

/** Trims and normalises an expression, or a 400 that says what is wrong with it. */
export function validateCron(input: string): string {
  const cron = input.trim().split(/\s+/).filter(Boolean).join(" ");
  if (cron === "") return "";
  const fields = cron.split(" ").length;
  if (fields !== 5) {
    throw new HttpError(400, "invalid_cron", `cron: "${cron}" has ${fields} field${fields === 1 ? "" : "s"}; use five (minute hour day-of-month month day-of-week), ${EXAMPLE}.`);
  }
  try {
    parser.parseExpression(cron, { tz: scheduleTimeZone() }).next();
  } catch (err) {
    throw new HttpError(400, "invalid_cron", `cron: "${cron}" is not a valid cron expression (${(err as Error).message}); ${EXAMPLE}.`);
  }
  return cron;
}

/** When `cron` next fires after `from`; null when it never does (or is off). */
export function nextRunAt(cron: string, from = new Date()): Date | null {
  if (cron === "") return null;
  try {
    return parser.parseExpression(cron, { tz: scheduleTimeZone(), currentDate: from }).next().toDate();
  } catch {
    return null;
  }
}

function scheduleOf(stored: string | null): Schedule {
  const defaultCron = config().SYNC_CRON;
  const cron = stored ?? defaultCron;
  return {
    cron,
    source: stored === null ? "env" : "admin",
    defaultCron,
    timeZone: scheduleTimeZone(),
    nextRunAt: nextRunAt(cron)?.toISOString() ?? null,
  };
}

export async function getSchedule(): Promise<Schedule> {
  const { rows } = await pool().query<{ cron: string | null }>("SELECT cron FROM sync_state WHERE id = 1");
  return scheduleOf(rows[0]?.cron ?? null);
}

/**
 * Stores the admin's expression (null: back to SYNC_CRON) and puts it in force in pg-boss, in one
 * transaction: if pg-boss refuses, nothing is stored. The row lock orders concurrent changes.
 */
export async function setSchedule(input: string | null): Promise<Schedule> {
  const stored = input === null ? null : validateCron(input);
  const schedule = scheduleOf(stored);
  await transaction(async (client) => {
    await client.query("UPDATE sync_state SET cron = $1 WHERE id = 1", [stored]);
    await applySchedule(await queue(), schedule.cron);
  });
  log.info({ cron: schedule.cron || "off", source: schedule.source }, "sync schedule changed");
  return schedule;
}
