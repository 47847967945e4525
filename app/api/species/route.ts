import { handle, json, parseWith } from "@/lib/http/respond";
import { searchSpecies, speciesSearchQuery } from "@/lib/species/search";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/species?q=&limit= — species whose scientific or common name words begin with the query. */
export const GET = handle(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const query = parseWith(speciesSearchQuery, { q: params.get("q") ?? undefined, limit: params.get("limit") ?? undefined }, "invalid_query");
  return json(await searchSpecies(query), { headers: { "cache-control": "public, max-age=60" } });
});
