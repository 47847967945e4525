import { requireRole } from "@/lib/auth/current-user";
import { createKey, keyListQuerySchema, newKeyBodySchema } from "@/lib/admin/api-keys";
import { listApiKeys } from "@/lib/auth/api-keys";
import { handle, json, parseWith, readJson } from "@/lib/http/respond";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/keys?userId= — every key (or one user's), newest first, revoked ones included; never the keys themselves. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const query = parseWith(keyListQuerySchema, Object.fromEntries(new URL(request.url).searchParams), "invalid_query");
  return json(await listApiKeys(query), NO_STORE);
});

/** POST /api/admin/keys `{ userId, name? }` → 201 the key's summary and `key`, shown this once. */
export const POST = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const body = await readJson(request, newKeyBodySchema);
  return json(await createKey(body), { status: 201, ...NO_STORE });
});
