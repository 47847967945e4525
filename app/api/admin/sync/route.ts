import { requireRole } from "@/lib/auth/current-user";
import { historyQuerySchema, startSync, startSyncBodySchema, syncOverview } from "@/lib/admin/sync";
import { handle, json, parseWith, readJson } from "@/lib/http/respond";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/sync?limit=&before= — `{ current: SyncRun | null, history: [SyncRun] }`, newest first. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const params = new URL(request.url).searchParams;
  const query = parseWith(historyQuerySchema, Object.fromEntries(params), "invalid_query");
  return json(await syncOverview(query), NO_STORE);
});

/** POST /api/admin/sync `{ kind }` — queues a sync for the worker → 202 `{ runId }`; 409 while one is queued or running. */
export const POST = handle(async (request: Request) => {
  const user = await requireRole(request, ["admin"]);
  const { kind } = await readJson(request, startSyncBodySchema);
  return json({ runId: await startSync(kind, user.id) }, { status: 202, ...NO_STORE });
});
