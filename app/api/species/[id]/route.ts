import { HttpError, handle, json } from "@/lib/http/respond";
import { getSpecies } from "@/lib/species/detail";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/species/{id} — names, counts and data version (polled by the map to refresh its tiles). */
export const GET = handle(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseSpeciesId((await params).id);
  const species = await getSpecies(id);
  if (!species) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
  return json(species, { headers: { "cache-control": "no-store" } });
});
