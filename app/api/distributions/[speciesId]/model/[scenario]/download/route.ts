import { handle } from "@/lib/http/respond";
import { parseScenarioId, projectionFor } from "@/lib/suitability/api";
import { projectionGeoTiff } from "@/lib/suitability/projection";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ speciesId: string; scenario: string }> };

/** GET /api/distributions/{speciesId}/model/{scenario}/download — the projection as a GeoTIFF (cloglog, EPSG:4326). */
export const GET = handle(async (_request: Request, { params }: Context) => {
  const p = await params;
  const speciesId = parseSpeciesId(p.speciesId);
  const { version, set, model } = await projectionFor(speciesId, parseScenarioId(p.scenario));
  const bytes = await projectionGeoTiff(speciesId, version, model, set);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": "image/tiff",
      "content-disposition": `attachment; filename="species-${speciesId}-model-v${version}-${set.scenario}${set.year ? `-${set.year}` : ""}.tif"`,
      "cache-control": "no-store",
    },
  });
});
