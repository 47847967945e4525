import { requireRole } from "@/lib/auth/current-user";
import { rangeImportIdSchema, removeImport } from "@/lib/admin/range-imports";
import { handle, json, parseWith } from "@/lib/http/respond";
import { NO_STORE } from "../../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/range-imports/{id} — deletes the import's vettings as a set → 200 { id, removed }; 404 unknown, 409 already removed. */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireRole(request, ["admin"]);
  const id = parseWith(rangeImportIdSchema, (await params).id, "invalid_range_import_id");
  return json(await removeImport(id), NO_STORE);
});
