import { requireRole } from "@/lib/auth/current-user";
import { handle, json, readJson } from "@/lib/http/respond";
import { createSource, sourcesView } from "@/lib/sources/admin";
import { newSourceSchema } from "@/lib/sources/registry";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/sources — `{ sources, unmatched, problems }` (never credentials). */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await sourcesView(), NO_STORE);
});

/** POST /api/admin/sources `{ kind, name, settings, credentials?, cron? }` → 201 the source; 400 invalid, 409 name taken. */
export const POST = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const body = await readJson(request, newSourceSchema);
  return json(await createSource(body), { status: 201, ...NO_STORE });
});
