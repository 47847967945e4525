/**
 * API keys for tools (POST /api/vettings with `Authorization: Bearer`, the /ws service): 256
 * random bits, shown once. Only their SHA-256 is stored (plenty for keys of this entropy: there is
 * no password to guess), plus the first characters so people can tell their keys apart.
 */
import { createHash, randomBytes } from "node:crypto";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { HttpError } from "@/lib/http/respond";
import { roleSchema, type AuthUser } from "./roles";

const KEY_TAG = "edgar_";
/** Tag plus six characters: enough to tell a user's keys apart, far too few to guess the rest. */
const PREFIX_LENGTH = KEY_TAG.length + 6;
/** Longer strings are never keys; they are refused before hashing. */
const MAX_KEY_LENGTH = 200;

export interface ApiKeySummary {
  id: number;
  userId: string;
  userEmail: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey extends ApiKeySummary {
  /** The key itself: returned this once, never stored. */
  key: string;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Makes a key for the user; the caller shows `key` once. */
export async function createApiKey(userId: string, name = "default"): Promise<NewApiKey> {
  const user = await prisma().user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) throw new HttpError(404, "unknown_user", `There is no user with id ${userId}.`);
  const key = KEY_TAG + randomBytes(32).toString("base64url");
  const row = await prisma().apiKey.create({
    data: { userId, name: name.trim() || "default", prefix: key.slice(0, PREFIX_LENGTH), keyHash: hashApiKey(key) },
  });
  return { key, ...toSummary({ ...row, user }) };
}

function toSummary(row: {
  id: number;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { email: string };
}): ApiKeySummary {
  return {
    id: row.id,
    userId: row.userId,
    userEmail: row.user.email,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** Every key (or one user's), newest first, revoked ones included. */
export async function listApiKeys(filter: { userId?: string } = {}): Promise<ApiKeySummary[]> {
  const rows = await prisma().apiKey.findMany({
    where: filter.userId ? { userId: filter.userId } : {},
    include: { user: { select: { email: true } } },
    orderBy: { id: "desc" },
  });
  return rows.map(toSummary);
}

/**
 * Revokes a key for good (optionally only if it belongs to `userId`). False when there is no such
 * live key.
 */
export async function revokeApiKey(id: number, filter: { userId?: string } = {}): Promise<boolean> {
  const { count } = await prisma().apiKey.updateMany({
    where: { id, revokedAt: null, ...(filter.userId ? { userId: filter.userId } : {}) },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

/**
 * The user a live key belongs to, or null (unknown, revoked, or its user disabled). Records when
 * the key was last used. One statement: this runs on every key-authenticated request.
 */
export async function userForApiKey(key: string): Promise<AuthUser | null> {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
  const { rows } = await pool().query<{ id: string; name: string; email: string; role: string }>(
    `UPDATE api_keys k SET last_used_at = now()
       FROM "user" u
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.id = k.user_id AND NOT u.disabled AND u.kind = 'person'
      RETURNING u.id, u.name, u.email, u.role`,
    [hashApiKey(key)],
  );
  const row = rows[0];
  return row ? { id: row.id, name: row.name, email: row.email, role: roleSchema.parse(row.role), via: "apiKey" } : null;
}
