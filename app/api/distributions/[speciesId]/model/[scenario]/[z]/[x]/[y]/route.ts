import { HttpError, handle } from "@/lib/http/respond";
import { parseScenarioId, projectionFor } from "@/lib/suitability/api";
import { cachedTile } from "@/lib/suitability/tile";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ speciesId: string; scenario: string; z: string; x: string; y: string }> };

/**
 * GET /api/distributions/{speciesId}/model/{scenario}/{z}/{x}/{y}.png — suitability above the
 * model's threshold on a ramp. The ETag is the model version and scenario: a refit changes it.
 */
export const GET = handle(async (request: Request, { params }: Context) => {
  const p = await params;
  const speciesId = parseSpeciesId(p.speciesId);
  const setId = parseScenarioId(p.scenario);
  const yText = p.y.replace(/\.png$/, "");
  if (![p.z, p.x, yText].every((v) => /^\d{1,7}$/.test(v))) throw new HttpError(400, "invalid_tile", "z, x and y must be whole numbers.");
  const [z, x, y] = [Number(p.z), Number(p.x), Number(yText)];
  if (z > 22 || x >= 2 ** z || y >= 2 ** z) throw new HttpError(400, "invalid_tile", `There is no tile ${z}/${x}/${y}.`);
  const { projection, version, threshold } = await projectionFor(speciesId, setId);
  const etag = `"m${speciesId}-v${version}-s${setId}"`;
  // Pinned to a version (?v=, as the page asks), a tile never changes; otherwise revalidate.
  const pinned = new URL(request.url).searchParams.get("v") === String(version);
  const headers = { "content-type": "image/png", etag, "cache-control": pinned ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate" };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(cachedTile(etag, projection, threshold, z, x, y)), { headers });
});
