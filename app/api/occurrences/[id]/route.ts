import { HttpError, handle, json } from "@/lib/http/respond";
import { getOccurrence } from "@/lib/occurrences/detail";
import { parseOccurrenceId } from "@/lib/occurrences/filters";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/occurrences/{id} — one record with images, licences, attribution and the vetting that set it. */
export const GET = handle(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseOccurrenceId((await params).id);
  const occurrence = await getOccurrence(id);
  if (!occurrence) throw new HttpError(404, "occurrence_not_found", `There is no occurrence ${id}.`);
  return json(occurrence, { headers: { "cache-control": "no-store" } });
});
