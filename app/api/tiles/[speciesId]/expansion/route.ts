import { z } from "zod";
import { handle, json, parseWith } from "@/lib/http/respond";
import { parseFilters } from "@/lib/tiles/filters";
import { parseSpeciesId, parseVersionHint, tiles } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const query = z.object({ clusterId: z.string().regex(/^\d{1,15}$/, "must be a cluster id from a tile").transform(Number) });

/**
 * GET /api/tiles/{speciesId}/expansion?clusterId=…&<tile filters> → { clusterId, expansionZoom, dataVersion }:
 * the zoom at which a clicked cluster splits (null: records stacked at one position).
 */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ speciesId: string }> }) => {
  const { speciesId } = await params;
  const search = new URL(request.url).searchParams;
  const { clusterId } = parseWith(query, { clusterId: search.get("clusterId") ?? undefined });
  const answer = await tiles().getClusterExpansionZoom(parseSpeciesId(speciesId), clusterId, parseFilters(search), parseVersionHint(search));
  return json(answer, { headers: { "cache-control": "no-store" } });
});
