import { requireRole } from "@/lib/auth/current-user";
import { VETTING_ROLES } from "@/lib/auth/roles";
import { validateArea } from "@/lib/geometry/validate";
import { parseId } from "@/lib/http/ids";
import { HttpError, handle, json, readJson } from "@/lib/http/respond";
import { speciesExists } from "@/lib/vetting/species";
import { areaFrom, createVetting, listVettings, newVettingBodySchema } from "@/lib/vetting/vettings";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/vettings?speciesId= — a species' live vettings (anyone). */
export const GET = handle(async (request: Request) => {
  const speciesId = parseId(new URL(request.url).searchParams.get("speciesId"));
  if (speciesId === null) throw new HttpError(400, "invalid_request", "speciesId: must be a species id, e.g. ?speciesId=12.");
  if (!(await speciesExists(speciesId))) throw new HttpError(404, "unknown_species", `There is no species with id ${speciesId}.`);
  return json(await listVettings(speciesId), { headers: { "cache-control": "no-store" } });
});

/** POST /api/vettings — an expert or admin (session or Bearer API key) vets an area → 201 the vetting. */
export const POST = handle(async (request: Request) => {
  const user = await requireRole(request, VETTING_ROLES);
  const body = await readJson(request, newVettingBodySchema);
  const area = areaFrom(body.area, validateArea);
  const vetting = await createVetting(user, { speciesId: body.speciesId, classification: body.classification, rangeQualifier: body.rangeQualifier ?? null, area, comment: body.comment ?? null });
  return json(vetting, { status: 201 });
});
