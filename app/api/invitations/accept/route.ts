import { acceptInvitation, acceptInvitationSchema } from "@/lib/accounts/invitations";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { handle, json, readJson } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/invitations/accept `{ token, password, name? }` → 201 `{ email, role, next }`: the
 * account exists; the page then signs in and goes to `next`. 410 for a used, revoked or expired link.
 */
export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const body = await readJson(request, acceptInvitationSchema);
  return json(await acceptInvitation(body), { status: 201, headers: { "cache-control": "no-store" } });
});
