import { handle, json, readJson } from "@/lib/http/respond";
import { submitWsVetting } from "@/lib/vetting/ws";
import { z } from "zod";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /ws/vettings — the ALA-style vetting service: `{ apiKey, species, area: WKT, classification,
 * comment? }` → 201 `{ id, firstLoadedDate }` (docs/vetting.md).
 */
export const POST = handle(async (request: Request) => {
  const body = await readJson(request, z.unknown());
  return json(await submitWsVetting(body), { status: 201 });
});
