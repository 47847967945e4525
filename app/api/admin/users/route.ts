import { requireRole } from "@/lib/auth/current-user";
import { listUsers } from "@/lib/auth/users";
import { handle, json } from "@/lib/http/respond";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/users — every account: `[ { id, name, email, role, disabled, createdAt } ]`, by email. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await listUsers(), NO_STORE);
});
