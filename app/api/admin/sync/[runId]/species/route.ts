import { requireRole } from "@/lib/auth/current-user";
import { countCheck, runRefSchema } from "@/lib/admin/count-check";
import { handle, json, parseWith } from "@/lib/http/respond";
import { NO_STORE } from "../../../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/sync/{runId|latest}/species — the run's count check per species, mismatched first. */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ runId: string }> }) => {
  await requireRole(request, ["admin"]);
  const ref = parseWith(runRefSchema, (await params).runId, "invalid_run");
  return json(await countCheck(ref), NO_STORE);
});
