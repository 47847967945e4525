import { handleAuthRequest } from "@/lib/auth/handler";
import { handle, readBytes } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Sign-in and sign-out bodies are a few hundred bytes; better-auth itself would read any size. */
const MAX_BODY_BYTES = 64 * 1024;

/** better-auth's endpoints: POST /api/auth/sign-in/email, POST /api/auth/sign-out, … (docs/accounts.md). */
export const GET = handle(handleAuthRequest);
export const POST = handle(async (request: Request) => {
  const body = await readBytes(request, MAX_BODY_BYTES);
  return handleAuthRequest(new Request(request, { body }));
});
