// Accounts for e2e tests: `npm run user` beside the running e2e server, and signing in at /login.
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { Page } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");
export const PASSWORD = "e2e password 123";

/** `npm run user` beside the running e2e server (it attaches to its embedded PostgreSQL). */
export function userCli(...args: string[]): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "user.ts"), ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: path.join(root, ".data-e2e"), DATABASE_URL: "", LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`npm run user ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Fills in and sends the sign-in form of the page's /login. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
