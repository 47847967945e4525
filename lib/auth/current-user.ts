/**
 * Who is calling: an API key (`Authorization: Bearer <key>`) or the session cookie. Route handlers
 * use requireUser / requireRole; server components use sessionUser with the request's headers.
 */
import { HttpError } from "@/lib/http/respond";
import { userForApiKey } from "./api-keys";
import { roleSchema, type AuthUser, type Role } from "./roles";
import { assertSameOrigin, isSafeMethod } from "./same-origin";
import { auth, isHttps } from "./server";

/** The signed-in user of these request headers, or null (no, expired or revoked session; disabled user). */
export async function sessionUser(headers: Headers, url?: string): Promise<AuthUser | null> {
  const session = await auth(isHttps(headers, url)).api.getSession({ headers });
  if (!session || session.user.disabled) return null;
  const { id, name, email, role } = session.user;
  return { id, name, email, role: roleSchema.parse(role), via: "session" };
}

/**
 * The caller, or null when anonymous. A malformed or dead API key is a 401 rather than anonymous,
 * so a tool learns its key is wrong. Cookie-authenticated writes must come from Edgar's own pages.
 */
export async function currentUser(request: Request): Promise<AuthUser | null> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!bearer) throw new HttpError(401, "invalid_authorization", "The Authorization header must be `Bearer <API key>`.");
    const user = await userForApiKey(bearer[1]);
    if (!user) throw new HttpError(401, "invalid_api_key", "The API key is unknown or revoked, or its account is disabled.");
    return user;
  }
  const user = await sessionUser(request.headers, request.url);
  if (user && !isSafeMethod(request.method)) assertSameOrigin(request);
  return user;
}

export async function requireUser(request: Request): Promise<AuthUser> {
  const user = await currentUser(request);
  if (!user) throw new HttpError(401, "unauthenticated", "Sign in first, or send an API key as `Authorization: Bearer <key>`.");
  return user;
}

export async function requireRole(request: Request, roles: readonly Role[]): Promise<AuthUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) {
    throw new HttpError(403, "forbidden", `This needs the role ${roles.join(" or ")}; this account's role is ${user.role}.`);
  }
  return user;
}
