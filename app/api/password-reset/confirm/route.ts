import { confirmPasswordReset, resetConfirmSchema } from "@/lib/accounts/password-reset";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { handle, json, readJson } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/password-reset/confirm `{ token, password }` → 200 `{ email }`; 410 for a used or expired link. */
export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const body = await readJson(request, resetConfirmSchema);
  return json(await confirmPasswordReset(body), { headers: { "cache-control": "no-store" } });
});
