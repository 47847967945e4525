import { HttpError, handle, json, parseWith } from "@/lib/http/respond";
import { parseRecordFilters } from "@/lib/occurrences/filters";
import { recordsAt, stackQuery } from "@/lib/occurrences/stack";
import { getSpecies } from "@/lib/species/detail";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/species/{id}/stack?lon=&lat=&radius=&limit=&<filters> — the records of a stack (one position). */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseSpeciesId((await params).id);
  const search = new URL(request.url).searchParams;
  const param = (name: string) => search.get(name) ?? undefined;
  const query = parseWith(stackQuery, { lon: param("lon"), lat: param("lat"), radius: param("radius"), limit: param("limit") }, "invalid_query");
  const filters = parseRecordFilters(search);
  if (!(await getSpecies(id))) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
  return json(await recordsAt(id, filters, query), { headers: { "cache-control": "no-store" } });
});
