import { withSignInContext } from "@/lib/accounts/sign-in-context";
import { authFor } from "./server";

/**
 * Serves better-auth's endpoints (/api/auth/*) for the request's origin, with its error answers
 * reshaped into the contract's `{ error, message }`.
 */
export async function handleAuthRequest(request: Request): Promise<Response> {
  const response = await withSignInContext(() => authFor(request).handler(request));
  return response.status < 400 ? response : contractError(response);
}

async function contractError(response: Response): Promise<Response> {
  let body: { code?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(await response.text());
  } catch {
    // Some answers (unknown paths) have no JSON body.
  }
  const error = typeof body.code === "string" && body.code ? body.code.toLowerCase() : fallbackCode(response.status);
  const message = typeof body.message === "string" && body.message ? body.message : response.statusText || "The request failed.";
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json; charset=utf-8");
  // better-auth's own rate limiter says X-Retry-After; Retry-After is the standard name.
  const retryAfter = headers.get("x-retry-after");
  if (retryAfter && !headers.has("retry-after")) headers.set("retry-after", retryAfter);
  return new Response(JSON.stringify({ error, message }), { status: response.status, headers });
}

function fallbackCode(status: number): string {
  if (status === 404) return "not_found";
  if (status === 429) return "too_many_requests";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "forbidden";
  return status >= 500 ? "internal" : "bad_request";
}
