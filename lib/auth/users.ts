/**
 * Accounts: create or update, list, change role, disable. Used by `npm run user`, by start-up
 * (the ADMIN_EMAIL admin) and by the admin console. Passwords are hashed by better-auth's own
 * scrypt (better-auth/crypto) into the credential account it signs people in with.
 */
import { randomUUID } from "node:crypto";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { z } from "zod";
import type { Config } from "@/lib/config";
import { prisma } from "@/lib/db/prisma";
import { HttpError } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { roleSchema, type Role } from "./roles";

/** better-auth's provider id for email + password accounts; their accountId is the user's id. */
const CREDENTIAL = "credential";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an email address"));
/** better-auth's own bounds (8 to 128 characters). */
export const passwordSchema = z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters");

export const userInputSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  role: roleSchema,
  name: z.string().trim().min(1).max(200).optional(),
});
export type UserInput = z.input<typeof userInputSchema>;

export interface UserSummary {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

const summary = (u: { id: string; name: string; email: string; role: string; disabled: boolean; createdAt: Date }): UserSummary => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: roleSchema.parse(u.role),
  disabled: u.disabled,
  createdAt: u.createdAt,
});

/**
 * Creates the user, or brings an existing one (same email) to this password and role and enables
 * it. A changed password signs the user out everywhere; an unchanged one keeps their sessions.
 */
export async function createOrUpdateUser(input: UserInput): Promise<{ user: UserSummary; created: boolean }> {
  const { email, password, role, name } = userInputSchema.parse(input);
  const db = prisma();
  const existing = await db.user.findUnique({ where: { email }, include: { accounts: { where: { providerId: CREDENTIAL } } } });
  if (!existing) {
    const id = randomUUID();
    const hash = await hashPassword(password);
    try {
      const user = await db.user.create({
        data: {
          id,
          email,
          name: name ?? email.split("@")[0],
          role,
          emailVerified: true,
          accounts: { create: { id: randomUUID(), accountId: id, providerId: CREDENTIAL, password: hash } },
        },
      });
      return { user: summary(user), created: true };
    } catch (err) {
      // Created by someone else meanwhile (two processes starting at once): update it instead.
      if ((err as { code?: string }).code === "P2002") return createOrUpdateUser(input);
      throw err;
    }
  }
  const account = existing.accounts.find((a) => a.accountId === existing.id);
  const samePassword = account?.password ? await verifyPassword({ hash: account.password, password }) : false;
  const now = new Date();
  const [user] = await db.$transaction([
    db.user.update({ where: { id: existing.id }, data: { role, disabled: false, updatedAt: now, ...(name ? { name } : {}) } }),
    ...(samePassword
      ? []
      : [
          db.account.deleteMany({ where: { userId: existing.id, providerId: CREDENTIAL } }),
          db.account.create({
            data: { id: randomUUID(), accountId: existing.id, providerId: CREDENTIAL, userId: existing.id, password: await hashPassword(password) },
          }),
          db.session.deleteMany({ where: { userId: existing.id } }),
        ]),
  ]);
  return { user: summary(user), created: false };
}

/** The admin named by ADMIN_EMAIL / ADMIN_PASSWORD exists, with that password (at start-up). */
export async function ensureAdmin(config: Pick<Config, "ADMIN_EMAIL" | "ADMIN_PASSWORD">): Promise<UserSummary | null> {
  if (!config.ADMIN_EMAIL || !config.ADMIN_PASSWORD) return null;
  const { user, created } = await createOrUpdateUser({ email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, role: "admin" });
  log.info({ email: user.email, created }, created ? "admin account created" : "admin account ensured");
  return user;
}

export async function findUserByEmail(email: string): Promise<UserSummary | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  const user = await prisma().user.findUnique({ where: { email: parsed.data } });
  return user ? summary(user) : null;
}

/** A user as the console lists them, with the accounts audit (docs/accounts.md). */
export interface UserListEntry extends UserSummary {
  /** The email of the admin who invited them (null: made by `npm run user` or a first OIDC sign-in, or the inviter is gone). */
  invitedBy: string | null;
  invitedAt: Date | null;
  lastSignInAt: Date | null;
  lastSignInMethod: string | null;
}

export async function listUsers(): Promise<UserListEntry[]> {
  const users = await prisma().user.findMany({ orderBy: { email: "asc" }, include: { invitedBy: { select: { email: true } } } });
  return users.map((u) => ({
    ...summary(u),
    invitedBy: u.invitedBy?.email ?? null,
    invitedAt: u.invitedAt,
    lastSignInAt: u.lastSignInAt,
    lastSignInMethod: u.lastSignInMethod,
  }));
}

async function updateUser(userId: string, data: { role?: Role; disabled?: boolean }): Promise<UserSummary> {
  const db = prisma();
  const found = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!found) throw new HttpError(404, "unknown_user", `There is no user with id ${userId}.`);
  const [user] = await db.$transaction([
    db.user.update({ where: { id: userId }, data: { ...data, updatedAt: new Date() } }),
    // A disabled user is signed out at once; their API keys stop working by the same flag.
    ...(data.disabled ? [db.session.deleteMany({ where: { userId } })] : []),
  ]);
  return summary(user);
}

export function setRole(userId: string, role: Role): Promise<UserSummary> {
  return updateUser(userId, { role: roleSchema.parse(role) });
}

/** Disabling signs the user out everywhere and stops their API keys; enabling restores the keys. */
export function setDisabled(userId: string, disabled: boolean): Promise<UserSummary> {
  return updateUser(userId, { disabled });
}

/** Replaces the user's password (a reset): every session of theirs ends. */
export async function setPassword(userId: string, password: string): Promise<void> {
  const hash = await hashPassword(passwordSchema.parse(password));
  const db = prisma();
  await db.$transaction([
    db.account.deleteMany({ where: { userId, providerId: CREDENTIAL } }),
    db.account.create({ data: { id: randomUUID(), accountId: userId, providerId: CREDENTIAL, userId, password: hash } }),
    db.session.deleteMany({ where: { userId } }),
  ]);
}
