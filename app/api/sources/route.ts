import { pool } from "@/lib/db/pool";
import { handle, json } from "@/lib/http/respond";
import { publicSources } from "@/lib/sources/registry";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/sources — the record sources (id, name, kind) for the map's source filter. */
export const GET = handle(async () => json(await publicSources(pool()), { headers: { "cache-control": "public, max-age=60" } }));
