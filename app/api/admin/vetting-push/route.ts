import { requireRole } from "@/lib/auth/current-user";
import { config } from "@/lib/config";
import { handle, json } from "@/lib/http/respond";
import { pushOverview, pushSettings } from "@/lib/vetting/push";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/vetting-push — whether vettings go out to the ALA, counts by state, and the outstanding ones. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await pushOverview(pushSettings(config())), NO_STORE);
});
