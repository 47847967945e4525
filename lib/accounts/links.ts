import { config, type Config } from "@/lib/config";
import type { Role } from "@/lib/auth/roles";

/**
 * The address emailed links start with: PUBLIC_URL, else http://localhost:PORT. Never the
 * request's Host header, which whoever sends the request chooses (a reset link poisoned to
 * point at their own host would hand them the token).
 */
export function publicUrl(c: Pick<Config, "PUBLIC_URL" | "PORT"> = config()): string {
  return c.PUBLIC_URL ?? `http://localhost:${c.PORT}`;
}

export const invitationLink = (token: string) => `${publicUrl()}/invitation?token=${token}`;
export const resetLink = (token: string) => `${publicUrl()}/reset-password?token=${token}`;

/** Where someone lands after accepting an invitation: their role's page. */
export function homeOf(role: Role): string {
  return role === "admin" ? "/admin" : role === "expert" ? "/vettings" : "/";
}
