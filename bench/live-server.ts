/**
 * The routes an open species page and an expert's vetting use, on a bare node:http server run as
 * a child process by bench/live-submit.ts: the very handlers Next.js serves (app/api/…/route.ts),
 * fed Web Requests as Next feeds them (the request's signal aborted when its client goes), without
 * needing `next build`: GET /api/events, GET /api/species/{id}, GET /api/tiles/…, POST
 * /api/vettings and DELETE /api/vettings/{id}. Next's own routing adds a little on top.
 */
import "./env";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { GET as events } from "@/app/api/events/route";
import { GET as species } from "@/app/api/species/[id]/route";
import { GET as tile } from "@/app/api/tiles/[speciesId]/[z]/[x]/[y]/route";
import { POST as createVetting } from "@/app/api/vettings/route";
import { DELETE as deleteVetting } from "@/app/api/vettings/[id]/route";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROUTES: { method: string; path: RegExp; names: string[]; handler: Handler }[] = [
  { method: "GET", path: /^\/api\/events$/, names: [], handler: events as Handler },
  { method: "GET", path: /^\/api\/species\/([^/]+)$/, names: ["id"], handler: species as Handler },
  { method: "GET", path: /^\/api\/tiles\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)$/, names: ["speciesId", "z", "x", "y"], handler: tile as Handler },
  { method: "POST", path: /^\/api\/vettings$/, names: [], handler: createVetting as Handler },
  { method: "DELETE", path: /^\/api\/vettings\/([^/]+)$/, names: ["id"], handler: deleteVetting as Handler },
];

/** The request's body as text (these routes read JSON), none for GET. */
async function body(req: IncomingMessage): Promise<string | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  for (const route of ROUTES) {
    const m = route.method === req.method ? route.path.exec(url.pathname) : null;
    if (!m) continue;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const request = new Request(url, { method: req.method, headers, body: await body(req), signal: gone.signal });
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(m[i + 1])]));
    const response = await route.handler(request, { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) Readable.fromWeb(response.body as NodeReadableStream).pipe(res);
    else res.end();
    return;
  }
  res.writeHead(404).end();
}

const server = createServer((req, res) => {
  serve(req, res).catch((err: unknown) => {
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(err));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`live server listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
