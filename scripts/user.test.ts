/**
 * `npm run user` as an operator runs it: a child process on a real database, judged by its exit
 * code, its output and what it left in the database.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey, userForApiKey } from "@/lib/auth/api-keys";
import { spawnTs } from "@/lib/sync/test-support";
import { createTestDatabase, type TestDatabase } from "@/test/db";

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-user-cli-"));
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function user(...args: string[]) {
  const child = spawnTs("scripts/user.ts", args, { DATABASE_URL: db.url, DATA_DIR: dataDir });
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

const users = async () => (await db.pool.query(`SELECT email, role FROM "user" ORDER BY email`)).rows;

describe("npm run user", () => {
  it("refuses bad arguments with exit code 2 and says why, before touching the database", async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is needed/],
      [["delete", "--email", "a@example.org"], /unknown command "delete"/],
      [["create", "--email", "a@example.org", "--password", "long enough pw"], /create needs --role/],
      [["create", "--email", "nope", "--password", "long enough pw", "--role", "expert"], /--email: must be an email address/],
      [["create", "--email", "a@example.org", "--password", "short", "--role", "expert"], /--password: must be at least 8/],
      [["create", "--email", "a@example.org", "--password", "long enough pw", "--role", "wizard"], /--role/],
      [["apikey"], /apikey needs --email/],
      [["apikey", "--email", "a@example.org", "--role", "admin"], /only --email and --name/],
      [["create", "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await user(...args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/usage:/);
    }
    expect(await users()).toEqual([]);
  });

  it("creates, then updates a user by email", async () => {
    const created = await user("create", "--email", "Expert@Example.org", "--password", "long enough pw", "--role", "expert", "--name", "Ex Pert");
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Created expert expert@example.org \(Ex Pert, id /) });
    const updated = await user("create", "--email", "expert@example.org", "--password", "another long pw", "--role", "admin");
    expect(updated).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Updated admin expert@example.org/) });
    expect(await users()).toEqual([{ email: "expert@example.org", role: "admin" }]);
  });

  it("prints a new API key once, stores only its hash, and fails for an unknown user", async () => {
    await user("create", "--email", "tool@example.org", "--password", "long enough pw", "--role", "expert");
    const { code, stdout, stderr } = await user("apikey", "--email", "tool@example.org", "--name", "my script");
    expect(code).toBe(0);
    const key = stdout.trim();
    expect(key).toMatch(/^edgar_[A-Za-z0-9_-]{43}$/);
    expect(stderr).toMatch(/shown once/);
    const { rows } = await db.pool.query(`SELECT name, key_hash FROM api_keys`);
    expect(rows).toEqual([{ name: "my script", key_hash: hashApiKey(key) }]);
    expect(await userForApiKey(key)).toMatchObject({ email: "tool@example.org", role: "expert" });

    const missing = await user("apikey", "--email", "ghost@example.org");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no user ghost@example.org/);
    expect(missing.stdout).toBe("");
  });
});
