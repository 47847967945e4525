import { requireRole } from "@/lib/auth/current-user";
import { VETTING_ROLES } from "@/lib/auth/roles";
import { validateArea } from "@/lib/geometry/validate";
import { parseId } from "@/lib/http/ids";
import { HttpError, handle, json, readJson } from "@/lib/http/respond";
import { areaFrom, deleteVetting, getVetting, updateVetting, vettingChangeBodySchema } from "@/lib/vetting/vettings";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

async function vettingId({ params }: Context): Promise<number> {
  const { id } = await params;
  const parsed = parseId(id);
  if (parsed === null) throw new HttpError(404, "not_found", `There is no vetting with id ${id.slice(0, 40)}.`);
  return parsed;
}

/** GET /api/vettings/{id} — one live vetting (anyone). */
export const GET = handle(async (_request: Request, context: Context) => {
  const id = await vettingId(context);
  const vetting = await getVetting(id);
  if (!vetting) throw new HttpError(404, "not_found", `There is no vetting with id ${id}.`);
  return json(vetting, { headers: { "cache-control": "no-store" } });
});

/** PATCH /api/vettings/{id} — its author or an admin changes classification / range qualifier / area / comment. */
export const PATCH = handle(async (request: Request, context: Context) => {
  const user = await requireRole(request, VETTING_ROLES);
  const id = await vettingId(context);
  const body = await readJson(request, vettingChangeBodySchema);
  const area = body.area === undefined ? undefined : areaFrom(body.area, validateArea);
  return json(await updateVetting(user, id, { classification: body.classification, rangeQualifier: body.rangeQualifier, comment: body.comment, area }));
});

/** DELETE /api/vettings/{id} — its author or an admin marks it deleted, for good → 204. */
export const DELETE = handle(async (request: Request, context: Context) => {
  const user = await requireRole(request, VETTING_ROLES);
  await deleteVetting(user, await vettingId(context));
  return new Response(null, { status: 204 });
});
