import { handleAuthRequest } from "@/lib/auth/handler";
import { handle, readBytes, refuseNul } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Sign-in and sign-out bodies are a few hundred bytes; better-auth itself would read any size. */
const MAX_BODY_BYTES = 64 * 1024;

/** better-auth's endpoints: POST /api/auth/sign-in/email, POST /api/auth/sign-out, … (docs/accounts.md). */
export const GET = handle(handleAuthRequest);
export const POST = handle(async (request: Request) => {
  const body = await readBytes(request, MAX_BODY_BYTES);
  refuseNul(parsedOrNull(body));
  return handleAuthRequest(new Request(request, { body }));
});

/** The body as JSON, or null when it is none (better-auth then refuses it itself). */
function parsedOrNull(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return null;
  }
}
