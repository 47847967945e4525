import { currentUser } from "@/lib/auth/current-user";
import { handle, json } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/me — who is signed in (session cookie or Bearer API key): `{ id, name, email, role }`.
 * Nobody signed in is a normal answer, `{ user: null }` (every anonymous page asks; a 401 there
 * would be console noise); a bad API key or Authorization header stays a 401.
 */
export const GET = handle(async (request: Request) => {
  const user = await currentUser(request);
  if (!user) return json({ user: null }, { headers: { "cache-control": "no-store" } });
  const { id, name, email, role } = user;
  return json({ id, name, email, role }, { headers: { "cache-control": "no-store" } });
});
