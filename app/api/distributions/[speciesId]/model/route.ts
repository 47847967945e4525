import { requireRole } from "@/lib/auth/current-user";
import { handle, json } from "@/lib/http/respond";
import { modelAnswer, modelDownload, requestNewModel } from "@/lib/suitability/api";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ speciesId: string }> };

/**
 * GET /api/distributions/{speciesId}/model — the suitability model's status, evaluation and
 * scenarios (docs/distribution.md, part 2); `?download=1`: the model JSON as a file.
 */
export const GET = handle(async (request: Request, { params }: Context) => {
  const speciesId = parseSpeciesId((await params).speciesId);
  if (new URL(request.url).searchParams.get("download") === "1") {
    const body = await modelDownload(speciesId);
    return json(body, {
      headers: { "cache-control": "no-store", "content-disposition": `attachment; filename="species-${speciesId}-model-v${body.version}.json"` },
    });
  }
  return json(await modelAnswer(speciesId), { headers: { "cache-control": "no-store" } });
});

/** POST /api/distributions/{speciesId}/model — an expert or admin asks for a new model: 202, queued first. */
export const POST = handle(async (request: Request, { params }: Context) => {
  const user = await requireRole(request, ["expert", "admin"]);
  const speciesId = parseSpeciesId((await params).speciesId);
  return json(await requestNewModel(speciesId, user.email), { status: 202, headers: { "cache-control": "no-store" } });
});
