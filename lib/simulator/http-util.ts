import type { IncomingMessage, ServerResponse } from "node:http";

/** Small HTTP helpers shared by the ALA endpoints and the control API. */

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), "application/json;charset=UTF-8", headers);
}

export function sendText(res: ServerResponse, status: number, text: string, type: string, headers: Record<string, string> = {}): void {
  // Encoded once up front: node:http writes a large string with non-ASCII characters (a page of
  // records) about four times slower than the same bytes as a Buffer.
  const body = Buffer.from(text, "utf8");
  res.writeHead(status, { "content-type": type, "content-length": String(body.length), ...headers });
  res.end(body);
}

/** The Spring Boot error body the biocache answers with. */
export function springError(status: number, error: string, message: string, path: string) {
  return { timestamp: new Date().toISOString(), status, error, message, path };
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
