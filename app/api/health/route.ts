import { json } from "@/lib/http/respond";
import { health } from "@/lib/health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET() {
  const h = await health();
  return json(h, { status: h.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
