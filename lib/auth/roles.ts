import { z } from "zod";

/** Anyone may browse; experts and admins vet; admins also run syncs and manage accounts. */
export const ROLES = ["researcher", "expert", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** The roles allowed to create vettings (web API, bearer keys and the /ws service). */
export const VETTING_ROLES: readonly Role[] = ["expert", "admin"];

/** Someone signed in (by session cookie) or calling with an API key. */
export interface AuthUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** How the request proved who it is: cookie-authenticated writes must be same-origin. */
  via: "session" | "apiKey";
}
