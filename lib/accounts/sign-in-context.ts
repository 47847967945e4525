/**
 * Hands the OpenID Connect profile (ID token claims or userinfo, as genericOAuth read and verified
 * them) from its mapProfileToUser to the session.create.after hook of the same request, where the
 * role claim is mapped. Request-scoped (AsyncLocalStorage around better-auth's handler), so no
 * provider token has to be kept in the database for it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const store = new AsyncLocalStorage<{ profile?: Record<string, unknown> }>();

export function withSignInContext<T>(fn: () => Promise<T>): Promise<T> {
  return store.run({}, fn);
}

export function rememberProfile(profile: Record<string, unknown>): void {
  const context = store.getStore();
  if (context) context.profile = profile;
}

export function signedInProfile(): Record<string, unknown> {
  return store.getStore()?.profile ?? {};
}
