import { requestJson } from "./request";

/** Ends the session (better-auth clears the cookie). */
export function signOut(): Promise<unknown> {
  return requestJson("POST", "/api/auth/sign-out", {});
}
