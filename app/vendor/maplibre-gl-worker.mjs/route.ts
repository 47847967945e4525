import fs from "node:fs/promises";
import path from "node:path";

export const runtime = "nodejs";

// The bundler rewrites require.resolve, so the file is found from the app root (where `next start` runs).
const WORKER = path.join(process.cwd(), "node_modules", "maplibre-gl", "dist", "maplibre-gl-worker.mjs");
let body: Promise<string> | undefined;

/**
 * MapLibre 6 loads its web worker from a URL relative to its own module, which the bundler
 * moves; the page points it here instead (setWorkerUrl), so the worker needs no CDN.
 */
export async function GET() {
  body ??= fs.readFile(WORKER, "utf8");
  return new Response(await body, {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" },
  });
}
