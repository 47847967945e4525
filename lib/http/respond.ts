import { z } from "zod";
import { holdsNul } from "./text";

/** Every error answer of the API: `{ error: "<machine code>", message: "<human sentence>" }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    return json({ error: err.code, message: err.message }, { status: err.status, headers: err.headers });
  }
  // Imported lazily so this module stays usable where the logger is not wanted.
  void import("@/lib/log").then(({ log }) => log.error({ err }, "unhandled error in a request"));
  return json({ error: "internal", message: "Something went wrong on the server; it has been logged." }, { status: 500 });
}

/** Wraps a handler so thrown HttpErrors (and anything else) become the contract's JSON errors. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Reads a JSON body and validates it; malformed JSON and schema failures are 400s that say what is wrong. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes = 1_000_000): Promise<z.infer<S>> {
  const text = await readText(request, maxBytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON.");
  }
  refuseNul(data);
  return parseWith(schema, data, "invalid_body");
}

/** 400 for a JSON body holding NUL anywhere (lib/http/text.ts's holdsNul). */
export function refuseNul(data: unknown): void {
  if (holdsNul(data)) throw new HttpError(400, "invalid_body", "The request body holds the NUL character (\\u0000) in a text; no field may contain it.");
}

/**
 * The body's bytes. A body over `maxBytes` is refused (413) as soon as it is known to be: from
 * Content-Length, else while reading, so a huge body is never held in memory.
 */
export async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new HttpError(413, "body_too_large", `The request body is larger than ${maxBytes} bytes.`);
  if (Number(request.headers.get("content-length")) > maxBytes) throw tooLarge();
  if (request.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, "unreadable_body", "The request body could not be read (the upload broke off, or it was already read).");
  }
  return Buffer.concat(chunks);
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  const bytes = await readBytes(request, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid UTF-8 text.");
  }
}

/** Validates already-parsed input (query parameters, path segments). */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, code = "invalid_request"): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
    throw new HttpError(400, code, `${where}${issue.message}`);
  }
  return result.data;
}
