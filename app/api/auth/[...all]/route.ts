import { handleAuthRequest } from "@/lib/auth/handler";
import { handle } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** better-auth's endpoints: POST /api/auth/sign-in/email, POST /api/auth/sign-out, … (docs/accounts.md). */
export const GET = handle(handleAuthRequest);
export const POST = handle(handleAuthRequest);
