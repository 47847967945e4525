/**
 * One-time tokens of emailed links (invitations, password resets): 256 random bits, of which only
 * the SHA-256 is stored, as for API keys. A token has no structure to guess, so a slow hash adds nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What a token looks like: anything else is refused before the database is asked. */
export const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be the token from the emailed link");
