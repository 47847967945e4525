/**
 * A source's credentials (GBIF password, a Living Atlas API key…) are stored encrypted:
 * AES-256-GCM with a key derived (HKDF-SHA256) from Edgar's auth secret, so a database dump alone
 * does not give them away. Format: "v1:" + base64url(iv ‖ tag ‖ ciphertext).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { config } from "@/lib/config";

function key(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "edgar-sources", "source-credentials", 32));
}

export function encryptCredentials(value: Record<string, string>, secret = authSecret(config())): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return "v1:" + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

export function decryptCredentials(stored: string, secret = authSecret(config())): Record<string, string> {
  if (!stored.startsWith("v1:")) throw new Error("source credentials: unknown format");
  const raw = Buffer.from(stored.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  return JSON.parse(text) as Record<string, string>;
}
