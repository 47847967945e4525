import { parseId } from "@/lib/http/ids";
import { HttpError, handle, json } from "@/lib/http/respond";
import { deleteWsVetting, wsUser } from "@/lib/vetting/ws";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /ws/vettings/{id}?apiKey= — the key's owner marks the vetting deleted; it is never restored. */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const apiKey = new URL(request.url).searchParams.get("apiKey");
  const { id } = await params;
  const vettingId = parseId(id);
  if (vettingId === null) {
    await wsUser(apiKey);
    throw new HttpError(404, "not_found", `There is no vetting with id ${id.slice(0, 40)}.`);
  }
  return json(await deleteWsVetting(apiKey, vettingId));
});
