/**
 * Shared by the account and vetting integration tests: real users, real sign-in through
 * better-auth's handler, and requests to the route handlers as a browser or a tool would send them.
 */
import { randomBytes } from "node:crypto";
import { handleAuthRequest } from "./handler";
import type { Role } from "./roles";
import { createApiKey } from "./api-keys";
import { createOrUpdateUser } from "./users";

export const ORIGIN = "http://edgar.test";
export const PASSWORD = "correct horse battery";

/** A signing secret for this test process, so nothing is written to the project's DATA_DIR. */
export function useTestSecret(): void {
  process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");
}

/** A distinct client address per call keeps tests clear of the per-IP sign-in limit unless they mean to hit it. */
export const randomIp = () => `10.${randomBytes(3).join(".")}`;

export interface SignInOptions {
  ip?: string;
  origin?: string;
  base?: string;
}

export function signInRequest(email: string, password: string, { ip = randomIp(), origin = ORIGIN, base = ORIGIN }: SignInOptions = {}): Request {
  return new Request(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, "x-forwarded-for": ip },
    body: JSON.stringify({ email, password }),
  });
}

/** Signs in through better-auth's HTTP handler; returns the Cookie header a browser would send back. */
export async function signIn(email: string, password = PASSWORD, options: SignInOptions = {}): Promise<string> {
  const response = await handleAuthRequest(signInRequest(email, password, options));
  if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export interface Actor {
  id: string;
  email: string;
  role: Role;
  /** Cookie header of a live session */
  cookie: string;
  /** A live API key */
  key: string;
}

/** A user with a session and an API key. */
export async function actor(role: Role, name = `${role}-${randomBytes(3).toString("hex")}`): Promise<Actor> {
  const email = `${name}@example.org`;
  const { user } = await createOrUpdateUser({ email, password: PASSWORD, role, name });
  const cookie = await signIn(email);
  const { key } = await createApiKey(user.id, "test");
  return { id: user.id, email, role, cookie, key };
}

export type Credentials = { cookie: string } | { bearer: string } | null;

/** A request as Edgar's own page (same origin, with the session cookie) or a tool (Bearer key) sends it. */
export function apiRequest(
  method: string,
  path: string,
  credentials: Credentials,
  body?: unknown,
  headers: Record<string, string> = {},
): Request {
  const h = new Headers(headers);
  if (credentials && "cookie" in credentials) {
    h.set("cookie", credentials.cookie);
    if (!h.has("origin") && method !== "GET") h.set("origin", ORIGIN);
  }
  if (credentials && "bearer" in credentials) h.set("authorization", `Bearer ${credentials.bearer}`);
  if (body !== undefined) h.set("content-type", "application/json");
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Route handler context for a dynamic segment. */
export const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });
