import { requireRole } from "@/lib/auth/current-user";
import { VETTING_ROLES } from "@/lib/auth/roles";
import { validateArea } from "@/lib/geometry/validate";
import { handle, json, readJson } from "@/lib/http/respond";
import { countCovered, coverageBodySchema } from "@/lib/vetting/coverage";
import { vettableSpeciesById } from "@/lib/vetting/species";
import { areaFrom } from "@/lib/vetting/vettings";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/vettings/coverage — `{ speciesId, area }` → `200 { count }`: the records of the
 * species the area would cover, asked by the vetting form before it submits. Changes nothing;
 * a POST because an area does not fit a query string. Experts and admins only, as vetting is.
 */
export const POST = handle(async (request: Request) => {
  await requireRole(request, VETTING_ROLES);
  const body = await readJson(request, coverageBodySchema);
  const area = areaFrom(body.area, validateArea);
  const species = await vettableSpeciesById(body.speciesId);
  return json({ count: await countCovered(species.id, area) }, { headers: { "cache-control": "no-store" } });
});
