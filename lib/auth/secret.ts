import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "@/lib/config";

export const SECRET_FILE = "auth-secret";

/**
 * The secret that signs session cookies: AUTH_SECRET when set, else one generated once into
 * DATA_DIR/auth-secret (mode 0600) and reused by every process on that data directory.
 * Several web servers on separate machines must share AUTH_SECRET instead.
 */
export function authSecret(config: Pick<Config, "AUTH_SECRET" | "DATA_DIR">): string {
  if (config.AUTH_SECRET) return config.AUTH_SECRET;
  const file = path.join(config.DATA_DIR, SECRET_FILE);
  const existing = readSecret(file);
  if (existing) return existing;
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  // Written whole to a private temporary file, then linked into place: link() fails when the file
  // exists, so of two processes starting at once exactly one secret wins and nobody reads half of it.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, randomBytes(48).toString("base64url") + "\n", { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const created = readSecret(file);
  if (!created) throw new Error(`${file} is empty: delete it to have a new secret generated, or set AUTH_SECRET`);
  return created;
}

function readSecret(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
