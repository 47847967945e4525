import { BASEMAP_LAYERS, basemapLayer, type BasemapLayer } from "@/lib/basemap/layers";
import { HttpError, handle } from "@/lib/http/respond";

export const runtime = "nodejs";

export const GET = handle(async (_request: Request, { params }: { params: Promise<{ layer: string }> }) => {
  const { layer } = await params;
  const name = layer.replace(/\.geojson$/, "") as BasemapLayer;
  if (!layer.endsWith(".geojson") || !BASEMAP_LAYERS.includes(name)) {
    throw new HttpError(404, "not_found", `No basemap layer ${layer}; there are ${BASEMAP_LAYERS.map((l) => `${l}.geojson`).join(", ")}.`);
  }
  return new Response(basemapLayer(name), {
    headers: { "content-type": "application/geo+json", "cache-control": "public, max-age=86400" },
  });
});
