import { requireRole } from "@/lib/auth/current-user";
import { handle, readJson } from "@/lib/http/respond";
import { mapNameSchema, mapUnmatchedName } from "@/lib/sources/admin";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/sources/names `{ name, speciesId }` — records of that name join the species from the next import → 204. */
export const POST = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  await mapUnmatchedName(await readJson(request, mapNameSchema));
  return new Response(null, { status: 204 });
});
