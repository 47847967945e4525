import { requireRole } from "@/lib/auth/current-user";
import { HttpError, handle, json, readJson } from "@/lib/http/respond";
import { LayerFileError } from "@/lib/layers/geotiff";
import { addLayerSet, layerSetInputSchema, LayerSetConflict, listLayerSets } from "@/lib/layers/store";
import { NO_STORE } from "../no-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/layer-sets — the registered environmental layer sets, current first. */
export const GET = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  return json(await listLayerSets(), NO_STORE);
});

/**
 * POST /api/admin/layer-sets `{ name, scenario, year, dir }` — validates the GeoTIFFs of a
 * directory on the server and registers them: 201 with the set; 422 naming the file and the
 * problem; 409 when the name or scenario and year are taken.
 */
export const POST = handle(async (request: Request) => {
  await requireRole(request, ["admin"]);
  const body = await readJson(request, layerSetInputSchema);
  try {
    return json(await addLayerSet(body), { status: 201, ...NO_STORE });
  } catch (err) {
    if (err instanceof LayerFileError) throw new HttpError(422, "invalid_layers", err.message);
    if (err instanceof LayerSetConflict) throw new HttpError(409, "conflict", err.message);
    throw err;
  }
});
