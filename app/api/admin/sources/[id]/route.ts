import { requireRole } from "@/lib/auth/current-user";
import { handle, parseWith } from "@/lib/http/respond";
import { deleteSource, sourceIdSchema } from "@/lib/sources/admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/sources/{id} — the source and its records → 204; 404 unknown; 409 for the ALA. */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireRole(request, ["admin"]);
  await deleteSource(parseWith(sourceIdSchema, (await params).id, "invalid_source_id"));
  return new Response(null, { status: 204 });
});
