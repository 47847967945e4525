import { requireRole } from "@/lib/auth/current-user";
import { uploadRangeImport } from "@/lib/admin/range-imports";
import { handle, json } from "@/lib/http/respond";
import { listRangeImports } from "@/lib/ranges/import";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/range-imports — every import, newest first, with its report and live vetting count. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await listRangeImports(), NO_STORE);
});

/**
 * POST /api/admin/range-imports?fileName=&source=&nameField=&classField=&qualifierField= with the
 * file as the body → 201 the report; 200 with `id: null` when nothing in the file could be used.
 */
export const POST = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const report = await uploadRangeImport(request);
  return json(report, { status: report.id === null ? 200 : 201, ...NO_STORE });
});
