import { HttpError, handle } from "@/lib/http/respond";
import { parseFilters } from "@/lib/tiles/filters";
import { parseSpeciesId, parseTileAddress, parseVersionHint, tiles } from "@/lib/tiles/service";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { speciesId: string; z: string; x: string; y: string };

/** GET /api/tiles/{speciesId}/{z}/{x}/{y}.pbf — the `occurrences` vector tile (docs/tiles.md). */
export const GET = handle(async (request: Request, { params }: { params: Promise<Params> }) => {
  const { speciesId, z, x, y } = await params;
  if (!y.endsWith(".pbf")) throw new HttpError(404, "not_found", "Tile URLs end in .pbf, e.g. /api/tiles/1/0/0/0.pbf.");
  const address = parseTileAddress(z, x, y.slice(0, -".pbf".length));
  const search = new URL(request.url).searchParams;
  const result = await tiles().getTile({
    speciesId: parseSpeciesId(speciesId),
    ...address,
    filters: parseFilters(search),
    ifNoneMatch: request.headers.get("if-none-match"),
    versionHint: parseVersionHint(search),
  });
  return new Response(result.body ? Buffer.from(result.body) : null, { status: result.status, headers: result.headers });
});
