import { includeContentiousParam } from "@/lib/distribution/params";
import { readDistribution } from "@/lib/distribution/store";
import { HttpError, handle, json } from "@/lib/http/respond";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/species/{id}/distribution[?contentious=include] — the range products (contract; docs/distribution.md). */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseSpeciesId((await params).id);
  const answer = await readDistribution(id, includeContentiousParam(new URL(request.url).searchParams));
  if (!answer) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
  return json(answer, { headers: { "cache-control": "no-store" } });
});
