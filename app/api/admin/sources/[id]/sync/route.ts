import { requireRole } from "@/lib/auth/current-user";
import { handle, json, parseWith } from "@/lib/http/respond";
import { sourceIdSchema, syncSource } from "@/lib/sources/admin";
import { NO_STORE } from "../../../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/admin/sources/{id}/sync — queues an import → 202. With `Content-Type: application/zip`
 * the body is the archive to import (a Darwin Core Archive source's new version).
 */
export const POST = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireRole(request, ["admin"]);
  const id = parseWith(sourceIdSchema, (await params).id, "invalid_source_id");
  const upload = (request.headers.get("content-type") ?? "").startsWith("application/zip");
  await syncSource(id, upload ? request.body : null);
  return json({ queued: true }, { status: 202, ...NO_STORE });
});
