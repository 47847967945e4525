/**
 * What happens once better-auth has made a session (its session.create.after hook, which runs
 * after its transaction): the user's last sign-in and its method are recorded, and at an OpenID
 * Connect sign-in the account is raised to the role a pending invitation or the mapped claim gives
 * (never lowered by it: an admin's promotion in the console stands).
 */
import { ROLES, type Role } from "@/lib/auth/roles";
import type { Config } from "@/lib/config";
import { prisma } from "@/lib/db/prisma";
import { acceptInvitationBySignIn } from "./invitations";
import { signedInProfile } from "./sign-in-context";

export const OIDC_PROVIDER_ID = "oidc";

export type SignInMethod = "password" | "oidc";

/** better-auth's endpoint path → how the user proved who they are; null for other session makers. */
export function signInMethod(path: string | undefined): SignInMethod | null {
  if (path === "/sign-in/email") return "password";
  if (path?.startsWith("/callback/") || path?.startsWith("/oauth2/callback/")) return "oidc";
  return null;
}

type RoleMapping = Pick<Config, "OIDC_ROLE_CLAIM" | "OIDC_EXPERT_VALUES" | "OIDC_ADMIN_VALUES">;

/**
 * The role a claim grants: the claim may be a string (several values separated by spaces or
 * commas) or a list of strings; admin values win over expert ones. Null when nothing matches.
 */
export function roleFromClaims(claims: Record<string, unknown>, mapping: RoleMapping): Role | null {
  if (!mapping.OIDC_ROLE_CLAIM) return null;
  const raw = claims[mapping.OIDC_ROLE_CLAIM];
  const values = new Set(
    (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === "string" ? v.split(/[\s,]+/) : [])).filter(Boolean),
  );
  if (mapping.OIDC_ADMIN_VALUES.some((v) => values.has(v))) return "admin";
  if (mapping.OIDC_EXPERT_VALUES.some((v) => values.has(v))) return "expert";
  return null;
}

/** The higher of two roles (researcher < expert < admin). */
export const higherRole = (a: Role, b: Role | null): Role => (b && ROLES.indexOf(b) > ROLES.indexOf(a) ? b : a);

export async function recordSignIn(userId: string, method: SignInMethod, mapping: RoleMapping): Promise<void> {
  const db = prisma();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, role: true },
  });
  if (!user) return;
  let role = user.role as Role;
  if (method === "oidc") {
    role = higherRole(role, await acceptInvitationBySignIn(user));
    role = higherRole(role, roleFromClaims(signedInProfile(), mapping));
  }
  await db.user.update({ where: { id: userId }, data: { lastSignInAt: new Date(), lastSignInMethod: method, role } });
}
