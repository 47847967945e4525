import { requireRole } from "@/lib/auth/current-user";
import { changeUser, userChangeSchema, userIdSchema } from "@/lib/admin/users";
import { handle, json, parseWith, readJson } from "@/lib/http/respond";
import { NO_STORE } from "../../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** PATCH /api/admin/users/{id} `{ role?, disabled? }` → 200 the user; 409 when no enabled admin would be left. */
export const PATCH = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireRole(request, ["admin"]);
  const id = parseWith(userIdSchema, (await params).id, "invalid_user");
  const change = await readJson(request, userChangeSchema);
  return json(await changeUser(id, change), NO_STORE);
});
