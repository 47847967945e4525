/**
 * The sign-in limit: attempts per account, counted in the rate_limit table so that every web
 * process sees the same counts. Two buckets per attempt:
 * - client IP + email: 5 a minute, the limit a person mistyping a password never meets;
 * - email alone: 20 a minute, which still holds when an attacker rotates (spoofed) IP addresses.
 * An attempt must pass both. Buckets follow better-auth's rate-limit semantics (the same table):
 * a bucket empties a window after the last attempt it let through.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";

export interface LimitRule {
  /** seconds */
  window: number;
  max: number;
}

export const LOGIN_LIMITS = {
  perClient: { window: 60, max: 5 },
  perAccount: { window: 60, max: 20 },
} as const satisfies Record<string, LimitRule>;

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Takes one attempt from the bucket `key`, atomically (one statement under the row's lock). */
export async function consume(db: pg.Pool | pg.PoolClient, key: string, rule: LimitRule, now = Date.now()): Promise<LimitDecision> {
  const windowMs = rule.window * 1000;
  const { rowCount } = await db.query(
    `INSERT INTO rate_limit (id, key, count, last_request) VALUES ($1, $2, 1, $3)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_limit.last_request <= $3::bigint - $4 THEN 1 ELSE rate_limit.count + 1 END,
       last_request = $3
     WHERE rate_limit.last_request <= $3::bigint - $4 OR rate_limit.count < $5`,
    [randomUUID(), key, now, windowMs, rule.max],
  );
  if (rowCount === 1) return { allowed: true };
  const { rows } = await db.query<{ last_request: string | number }>("SELECT last_request FROM rate_limit WHERE key = $1", [key]);
  const last = Number(rows[0]?.last_request ?? now);
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((last + windowMs - now) / 1000)) };
}

/** One sign-in attempt for `email` from `ip` (null when the client's address is unknown). */
export async function consumeLoginAttempt(
  db: pg.Pool | pg.PoolClient,
  { email, ip }: { email: string; ip: string | null },
  now = Date.now(),
): Promise<LimitDecision> {
  const account = email.trim().toLowerCase();
  const perClient = await consume(db, `login:client:${ip ?? "unknown"}|${account}`, LOGIN_LIMITS.perClient, now);
  if (!perClient.allowed) return perClient;
  return consume(db, `login:account:${account}`, LOGIN_LIMITS.perAccount, now);
}
