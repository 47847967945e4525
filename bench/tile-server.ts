/**
 * The tile route on a bare node:http server, run as a child process by bench/tiles.ts: the very
 * handler Next.js serves (app/api/tiles/…/route.ts), fed Web Requests as Next feeds it, without
 * needing `next build`. Next's own routing adds a little on top of what this measures.
 *
 * `GET /__stats` answers the index cache's size and the handler's own latencies (server side,
 * without the HTTP client); `POST /__stats/reset` clears those latencies. With POSTGIS_URL set,
 * `/postgis/{z}/{x}/{y}.pbf` serves the PostGIS peer's tiles (bench/postgis.ts) the same way.
 */
import "./env";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { GET } from "@/app/api/tiles/[speciesId]/[z]/[x]/[y]/route";
import { tiles } from "@/lib/tiles/service";
import { POSTGIS_TILE_SQL } from "./postgis-sql";

const TILE_PATH = /^\/api\/tiles\/([^/]+)\/([^/]+)\/([^/]+)\/([^/?]+)/;
const POSTGIS_PATH = /^\/postgis\/(\d+)\/(\d+)\/(\d+)\.pbf$/;
const postgis = process.env.POSTGIS_URL ? new pg.Pool({ connectionString: process.env.POSTGIS_URL, max: 4 }) : null;
let handlerMs: number[] = [];

async function serveTile(req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const started = performance.now();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, { headers });
  const [, speciesId, z, x, y] = m;
  const response = await GET(request, { params: Promise.resolve({ speciesId, z, x, y }) });
  const body = Buffer.from(await response.arrayBuffer());
  handlerMs.push(performance.now() - started);
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), "content-length": String(body.length) });
  res.end(body);
}

async function servePostgisTile(res: ServerResponse, m: RegExpExecArray): Promise<void> {
  const { rows } = await postgis!.query<{ tile: Buffer | null }>(POSTGIS_TILE_SQL, [Number(m[1]), Number(m[2]), Number(m[3])]);
  const tile = rows[0]?.tile;
  if (!tile || tile.length === 0) {
    res.writeHead(204);
    res.end();
    return;
  }
  res.writeHead(200, { "content-type": "application/vnd.mapbox-vector-tile", "content-length": String(tile.length) });
  res.end(tile);
}

function fail(res: ServerResponse, err: unknown): void {
  res.writeHead(500, { "content-type": "text/plain" });
  res.end(String(err));
}

function stats() {
  return { cache: tiles().cache.size, builds: tiles().cache.builds, rssBytes: process.memoryUsage.rss(), handlerMs };
}

const server = createServer((req, res) => {
  const m = TILE_PATH.exec(req.url ?? "");
  if (m) {
    serveTile(req, res, m).catch((err: unknown) => fail(res, err));
    return;
  }
  const g = postgis && POSTGIS_PATH.exec(req.url ?? "");
  if (g) {
    servePostgisTile(res, g).catch((err: unknown) => fail(res, err));
    return;
  }
  if (req.url === "/__stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(stats()));
    return;
  }
  if (req.url === "/__stats/reset" && req.method === "POST") {
    handlerMs = [];
    res.writeHead(204);
    res.end();
    return;
  }
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`tile server listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
