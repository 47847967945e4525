import { requireRole } from "@/lib/auth/current-user";
import { HttpError, handle, json, parseWith } from "@/lib/http/respond";
import { idParamSchema } from "@/lib/http/ids";
import { retryRefusedPush } from "@/lib/vetting/push";
import { NO_STORE } from "../../../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/vetting-push/{vettingId}/retry — a refused vetting is sent again → 200 { vettingId, state: "pending" }; 404 when it is not refused. */
export const POST = handle(async (request: Request, { params }: { params: Promise<{ vettingId: string }> }) => {
  await requireRole(request, ["admin"]);
  const vettingId = parseWith(idParamSchema("must be a vetting id"), (await params).vettingId, "invalid_vetting_id");
  if (!(await retryRefusedPush(vettingId))) throw new HttpError(404, "not_refused", `Vetting ${vettingId} has no refused push to send again.`);
  return json({ vettingId, state: "pending" }, NO_STORE);
});
