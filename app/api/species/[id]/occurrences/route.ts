import { downloadFormat, downloadOccurrences } from "@/lib/downloads/stream";
import { HttpError, handle, parseWith } from "@/lib/http/respond";
import { parseRecordFilters } from "@/lib/occurrences/filters";
import { parseSpeciesId } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/species/{id}/occurrences?format=csv|geojson&<filters> — the download, streamed. */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseSpeciesId((await params).id);
  const search = new URL(request.url).searchParams;
  const format = parseWith(downloadFormat, search.get("format") ?? "csv", "invalid_format");
  const download = await downloadOccurrences(id, format, parseRecordFilters(search));
  if (!download) throw new HttpError(404, "species_not_found", `There is no species ${id}.`);
  return new Response(download.body, {
    headers: {
      "content-type": download.contentType,
      "content-disposition": `attachment; filename="${download.filename}"`,
      "cache-control": "no-store",
    },
  });
});
