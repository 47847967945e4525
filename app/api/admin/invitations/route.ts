import { createInvitation, listInvitations, newInvitationSchema } from "@/lib/accounts/invitations";
import { requireRole } from "@/lib/auth/current-user";
import { handle, json, readJson } from "@/lib/http/respond";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/invitations — every invitation, newest first, with its status; never a token. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await listInvitations(), NO_STORE);
});

/**
 * POST /api/admin/invitations `{ email, role }` → 201 the invitation, `emailed`, and, when no email
 * went out, `reason` and the `link` to pass on. 409 when the address has an account.
 */
export const POST = handle(async (request: Request) => {
  const admin = await requireRole(request, ["admin"]);
  const body = await readJson(request, newInvitationSchema);
  return json(await createInvitation(body, admin), { status: 201, ...NO_STORE });
});
