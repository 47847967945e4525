import { distributionFile, layerText } from "@/lib/distribution/downloads";
import { distributionProduct, includeContentiousParam } from "@/lib/distribution/params";
import { HttpError, handle } from "@/lib/http/respond";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/species/{id}/distribution/range|cells[?contentious=include][&download=1] — the range or
 * the occupancy cells as GeoJSON (the map's layer reads them too); `download` makes it a file, with
 * the figures and settings in every feature's properties.
 */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string; product: string }> }) => {
  const { id: rawId, product: rawProduct } = await params;
  const id = parseSpeciesId(rawId);
  const product = distributionProduct(rawProduct);
  const search = new URL(request.url).searchParams;
  const download = search.has("download");
  const includeContentious = includeContentiousParam(search);
  const headers: Record<string, string> = { "content-type": "application/geo+json; charset=utf-8", "cache-control": "no-store" };
  if (!download) {
    // The map's layer: the stored geometry as it is.
    const body = await layerText(id, product, includeContentious);
    if (body === null) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
    return new Response(body, { headers });
  }
  const file = await distributionFile(id, product, includeContentious);
  if (!file) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
  headers["content-disposition"] = `attachment; filename="${file.filename}"`;
  return new Response(JSON.stringify(file.body), { headers });
});
