import { currentUser } from "@/lib/auth/current-user";
import { HttpError, handle, json } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/me — who is signed in (session cookie or Bearer API key): `{ id, name, email, role }`, else 401. */
export const GET = handle(async (request: Request) => {
  const user = await currentUser(request);
  if (!user) throw new HttpError(401, "unauthenticated", "Nobody is signed in.", { "cache-control": "no-store" });
  const { id, name, email, role } = user;
  return json({ id, name, email, role }, { headers: { "cache-control": "no-store" } });
});
