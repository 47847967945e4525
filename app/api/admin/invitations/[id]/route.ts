import { invitationIdSchema, revokeInvitation } from "@/lib/accounts/invitations";
import { requireRole } from "@/lib/auth/current-user";
import { handle, HttpError, parseWith } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/invitations/{id} → 204 revoked; 404 when no pending invitation has that id. */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireRole(request, ["admin"]);
  const id = parseWith(invitationIdSchema, (await params).id, "invalid_invitation");
  if (!(await revokeInvitation(id))) throw new HttpError(404, "unknown_invitation", `There is no pending invitation ${id}.`);
  return new Response(null, { status: 204 });
});
