/**
 * Invitations (docs/accounts.md): an admin names an email and a role; Edgar emails a one-time link
 * valid for 7 days. The invitee sets a password on it, or signs in with OpenID Connect under the
 * invited address; either way the invitation is used up and the account gets the invited role.
 */
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { z } from "zod";
import { roleSchema, type Role } from "@/lib/auth/roles";
import { emailSchema, passwordSchema } from "@/lib/auth/users";
import { config } from "@/lib/config";
import { prisma } from "@/lib/db/prisma";
import { HttpError } from "@/lib/http/respond";
import { invitationEmail } from "./emails";
import { homeOf, invitationLink } from "./links";
import { sendMail } from "./mailer";
import { hashToken, newToken, tokenSchema } from "./tokens";

export const INVITATION_DAYS = 7;

export const newInvitationSchema = z.object({ email: emailSchema, role: roleSchema }).strict();
export const invitationIdSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);
export const acceptInvitationSchema = z
  .object({ token: tokenSchema, password: passwordSchema, name: z.string().trim().min(1).max(200).optional() })
  .strict();

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export interface InvitationSummary {
  id: number;
  email: string;
  role: Role;
  status: InvitationStatus;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewInvitation extends InvitationSummary {
  /** Whether the email went out; when it did not, `link` is there for the admin to pass on. */
  emailed: boolean;
  reason?: string;
  link?: string;
}

type Row = {
  id: number;
  email: string;
  role: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  invitedBy: { email: string } | null;
};

function statusOf(row: Row, now = new Date()): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

const toSummary = (row: Row): InvitationSummary => ({
  id: row.id,
  email: row.email,
  role: roleSchema.parse(row.role),
  status: statusOf(row),
  invitedBy: row.invitedBy?.email ?? null,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  acceptedAt: row.acceptedAt,
  revokedAt: row.revokedAt,
});

const withInviter = { invitedBy: { select: { email: true } } } as const;

/** Invites `email` as `role` and emails the link; an address that has an account already is a 409. */
export async function createInvitation(input: z.input<typeof newInvitationSchema>, inviter: { id: string; email: string }): Promise<NewInvitation> {
  const { email, role } = newInvitationSchema.parse(input);
  const db = prisma();
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) {
    throw new HttpError(409, "user_exists", `${email} has an account already; change its role in the user list instead.`);
  }
  const token = newToken();
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);
  // A new invitation replaces any pending one to the same address: only the newest link works.
  const [, row] = await db.$transaction([
    db.invitation.updateMany({ where: { email, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } }),
    db.invitation.create({ data: { email, role, tokenHash: hashToken(token), invitedById: inviter.id, expiresAt }, include: withInviter }),
  ]);
  const link = invitationLink(token);
  const mail = await sendMail(invitationEmail({ to: email, role, invitedBy: inviter.email, link, expiresAt }));
  return { ...toSummary(row), ...(mail.sent ? { emailed: true } : { emailed: false, reason: mail.reason, link }) };
}

/** Every invitation, newest first; `pending` only those still usable. */
export async function listInvitations(filter: { pending?: boolean } = {}): Promise<InvitationSummary[]> {
  const rows = await prisma().invitation.findMany({
    where: filter.pending ? { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } } : {},
    include: withInviter,
    orderBy: { id: "desc" },
  });
  return rows.map(toSummary);
}

/** Revokes a pending invitation; false when there is no pending one of that id. */
export async function revokeInvitation(id: number): Promise<boolean> {
  const { count } = await prisma().invitation.updateMany({ where: { id, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}

const usable = (now: Date) => ({ acceptedAt: null, revokedAt: null, expiresAt: { gt: now } });

const GONE = new HttpError(410, "invitation_unusable", "This invitation link is unknown, used, revoked or expired; ask an administrator for a new one.");

/** The invitation a link names, if it can still be accepted (for the invitation page). */
export async function pendingInvitation(token: string): Promise<{ email: string; role: Role; expiresAt: Date } | null> {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) return null;
  const row = await prisma().invitation.findFirst({ where: { tokenHash: hashToken(parsed.data), ...usable(new Date()) } });
  return row ? { email: row.email, role: roleSchema.parse(row.role), expiresAt: row.expiresAt } : null;
}

/**
 * Accepts an invitation by setting a password: creates the account with the invited role, then
 * the caller signs in. The invitation is claimed in the same transaction, so a link works once.
 */
export async function acceptInvitation(input: z.input<typeof acceptInvitationSchema>): Promise<{ email: string; role: Role; next: string }> {
  if (!config().LOCAL_PASSWORDS) {
    throw new HttpError(403, "local_passwords_off", "Passwords are switched off here; accept the invitation by signing in with your organisation's account.");
  }
  const { token, password, name } = acceptInvitationSchema.parse(input);
  const hash = await hashPassword(password);
  const now = new Date();
  return prisma().$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { tokenHash: hashToken(token), ...usable(now) } });
    if (!invitation) throw GONE;
    if (await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) {
      throw new HttpError(409, "user_exists", `${invitation.email} has an account already; sign in instead.`);
    }
    const id = randomUUID();
    await tx.user.create({
      data: {
        id,
        email: invitation.email,
        name: name ?? invitation.email.split("@")[0],
        role: invitation.role,
        emailVerified: true,
        invitedById: invitation.invitedById,
        invitedAt: invitation.createdAt,
        accounts: { create: { id: randomUUID(), accountId: id, providerId: "credential", password: hash } },
      },
    });
    const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, ...usable(now) }, data: { acceptedAt: now, acceptedById: id } });
    if (claimed.count !== 1) throw GONE;
    const role = roleSchema.parse(invitation.role);
    return { email: invitation.email, role, next: homeOf(role) };
  });
}

/**
 * At an OpenID Connect sign-in: a pending invitation to the user's (provider-verified) address is
 * used up, giving its role and its audit trail. Returns the invited role, or null.
 */
export async function acceptInvitationBySignIn(user: { id: string; email: string }): Promise<Role | null> {
  const now = new Date();
  return prisma().$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { email: user.email.toLowerCase(), ...usable(now) }, orderBy: { id: "desc" } });
    if (!invitation) return null;
    const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, ...usable(now) }, data: { acceptedAt: now, acceptedById: user.id } });
    if (claimed.count !== 1) return null;
    await tx.user.updateMany({ where: { id: user.id, invitedById: null }, data: { invitedById: invitation.invitedById, invitedAt: invitation.createdAt } });
    return roleSchema.parse(invitation.role);
  });
}
