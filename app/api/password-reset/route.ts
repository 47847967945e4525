import { requestPasswordReset, resetRequestSchema } from "@/lib/accounts/password-reset";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { clientIp } from "@/lib/http/client-ip";
import { handle, json, readJson } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/password-reset `{ email }` → 202 `{ message }`, the same whether or not the address has an account; 429 when asked too often. */
export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const body = await readJson(request, resetRequestSchema);
  return json(await requestPasswordReset(body, clientIp(request.headers)), { status: 202 });
});
