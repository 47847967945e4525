import { requireRole } from "@/lib/auth/current-user";
import { getSchedule, scheduleBodySchema, setSchedule } from "@/lib/admin/schedule";
import { handle, json, readJson } from "@/lib/http/respond";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/schedule — `{ cron, source, defaultCron, timeZone, nextRunAt }`. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await getSchedule(), NO_STORE);
});

/** PUT /api/admin/schedule `{ cron }` — a five-field expression, "" (off) or null (SYNC_CRON); 400 when invalid. */
export const PUT = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const { cron } = await readJson(request, scheduleBodySchema);
  return json(await setSchedule(cron), NO_STORE);
});
