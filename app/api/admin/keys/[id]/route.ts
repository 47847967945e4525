import { requireRole } from "@/lib/auth/current-user";
import { keyIdSchema, revokeKey } from "@/lib/admin/api-keys";
import { handle, parseWith } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/keys/{id} — revokes the key for good → 204; 404 when there is no live key of that id. */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireRole(request, ["admin"]);
  await revokeKey(parseWith(keyIdSchema, (await params).id, "invalid_api_key_id"));
  return new Response(null, { status: 204 });
});
