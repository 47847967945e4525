import { HttpError, handle, json } from "@/lib/http/respond";
import { parseRecordFilters } from "@/lib/occurrences/filters";
import { speciesSummary } from "@/lib/species/summary";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/species/{id}/summary?<filters> — records per year by category, legend counts, matching records. */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseSpeciesId((await params).id);
  const summary = await speciesSummary(id, parseRecordFilters(new URL(request.url).searchParams));
  if (!summary) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
  return json(summary, { headers: { "cache-control": "no-store" } });
});
