import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/me/route";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { handleAuthRequest } from "./handler";
import { LOGIN_LIMITS } from "./login-limit";
import { authSecret } from "./secret";
import { apiRequest, ORIGIN, PASSWORD, randomIp, signIn, signInRequest, useTestSecret } from "./test-support";
import { createOrUpdateUser, ensureAdmin, findUserByEmail, listUsers, setDisabled, setRole } from "./users";

useTestSecret();
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const whoAmI = async (credentials: Parameters<typeof apiRequest>[2]) => {
  const response = await me(apiRequest("GET", "/api/me", credentials));
  return { status: response.status, body: await response.json() };
};

const sessions = async (userId: string) =>
  Number((await db.pool.query(`SELECT count(*) FROM session WHERE "userId" = $1`, [userId])).rows[0].count);

describe("the auth secret", () => {
  it("is generated once into DATA_DIR/auth-secret, readable only by its owner, unless AUTH_SECRET is set", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-secret-"));
    try {
      const first = authSecret({ DATA_DIR: dir, AUTH_SECRET: undefined });
      expect(first.length).toBeGreaterThanOrEqual(32);
      const file = path.join(dir, "auth-secret");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(authSecret({ DATA_DIR: dir, AUTH_SECRET: undefined })).toBe(first);
      expect(fs.readdirSync(dir)).toEqual(["auth-secret"]);
      const configured = "x".repeat(40);
      expect(authSecret({ DATA_DIR: dir, AUTH_SECRET: configured })).toBe(configured);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("users", () => {
  it("are created with a hashed password, lower-case email, and updated by email", async () => {
    const { user, created } = await createOrUpdateUser({ email: " Ada@Example.org ", password: PASSWORD, role: "expert" });
    expect(created).toBe(true);
    expect(user).toMatchObject({ email: "ada@example.org", name: "ada", role: "expert", disabled: false });
    const { rows } = await db.pool.query(`SELECT password, "providerId", "accountId" FROM account WHERE "userId" = $1`, [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ providerId: "credential", accountId: user.id });
    expect(rows[0].password).not.toContain(PASSWORD);
    expect(rows[0].password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/); // better-auth's scrypt salt:key

    const again = await createOrUpdateUser({ email: "ada@example.org", password: PASSWORD, role: "admin", name: "Ada L." });
    expect(again).toMatchObject({ created: false, user: { id: user.id, role: "admin", name: "Ada L." } });
    expect((await findUserByEmail("ADA@example.org"))?.role).toBe("admin");
  });

  it("keep their sessions when the same password is set again, and lose them when it changes", async () => {
    const { user } = await createOrUpdateUser({ email: "grace@example.org", password: PASSWORD, role: "expert" });
    const cookie = await signIn("grace@example.org");
    await createOrUpdateUser({ email: "grace@example.org", password: PASSWORD, role: "expert" });
    expect((await whoAmI({ cookie })).status).toBe(200);
    await createOrUpdateUser({ email: "grace@example.org", password: "another long password", role: "expert" });
    expect(await sessions(user.id)).toBe(0);
    expect(await whoAmI({ cookie })).toEqual({ status: 200, body: { user: null } });
    await expect(signIn("grace@example.org")).rejects.toThrow(/401/);
    await signIn("grace@example.org", "another long password");
  });

  it("refuse bad input with a message", async () => {
    await expect(createOrUpdateUser({ email: "not-an-email", password: PASSWORD, role: "expert" })).rejects.toThrow(/email/);
    await expect(createOrUpdateUser({ email: "a@example.org", password: "short", role: "expert" })).rejects.toThrow(/at least 8/);
    await expect(createOrUpdateUser({ email: "a@example.org", password: PASSWORD, role: "wizard" as never })).rejects.toThrow();
    expect(await findUserByEmail("a@example.org")).toBeNull();
  });

  it("change role, and are listed", async () => {
    const { user } = await createOrUpdateUser({ email: "role@example.org", password: PASSWORD, role: "researcher" });
    expect((await setRole(user.id, "expert")).role).toBe("expert");
    expect((await listUsers()).find((u) => u.id === user.id)?.role).toBe("expert");
    await expect(setRole("nobody", "expert")).rejects.toMatchObject({ status: 404 });
  });

  it("the ADMIN_EMAIL admin is ensured at start-up (and only when configured)", async () => {
    expect(await ensureAdmin({ ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined })).toBeNull();
    const admin = await ensureAdmin({ ADMIN_EMAIL: "root@example.org", ADMIN_PASSWORD: "admin password 1" });
    expect(admin).toMatchObject({ email: "root@example.org", role: "admin" });
    await setRole(admin!.id, "researcher");
    await ensureAdmin({ ADMIN_EMAIL: "root@example.org", ADMIN_PASSWORD: "admin password 1" });
    expect((await findUserByEmail("root@example.org"))?.role).toBe("admin");
    await signIn("root@example.org", "admin password 1");
  });
});

describe("signing in", () => {
  beforeAll(async () => {
    await createOrUpdateUser({ email: "sign@example.org", password: PASSWORD, role: "expert", name: "Sign In" });
  });

  it("sets an HttpOnly, SameSite=Lax session cookie, not Secure over http", async () => {
    const response = await handleAuthRequest(signInRequest("sign@example.org", PASSWORD));
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("edgar.session_token="));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(session).not.toMatch(/;\s*Secure/i);
  });

  it("makes the cookie Secure (and __Secure- prefixed) when served over https", async () => {
    for (const request of [
      signInRequest("sign@example.org", PASSWORD, { base: "https://edgar.test", origin: "https://edgar.test" }),
      (() => {
        const r = signInRequest("sign@example.org", PASSWORD);
        // As Next.js passes on a TLS-terminating proxy's request.
        r.headers.set("x-forwarded-proto", "https");
        r.headers.set("x-forwarded-host", "edgar.test");
        r.headers.set("origin", "https://edgar.test");
        return r;
      })(),
    ]) {
      const response = await handleAuthRequest(request);
      expect(response.status).toBe(200);
      const session = response.headers.getSetCookie().find((c) => c.startsWith("__Secure-edgar.session_token="));
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/;\s*HttpOnly/i);
      expect(session).toMatch(/;\s*SameSite=Lax/i);
    }
  });

  it("answers a wrong password or unknown email with the contract's 401, and sets no cookie", async () => {
    for (const [email, password] of [
      ["sign@example.org", "wrong password!"],
      ["nobody@example.org", PASSWORD],
    ]) {
      const response = await handleAuthRequest(signInRequest(email, password));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "invalid_email_or_password", message: expect.any(String) });
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it("does not let anyone sign up", async () => {
    const response = await handleAuthRequest(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email: "new@example.org", password: PASSWORD, name: "New" }),
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(await findUserByEmail("new@example.org")).toBeNull();
  });

  it("signs out: the session ends", async () => {
    const cookie = await signIn("sign@example.org");
    expect((await whoAmI({ cookie })).body).toMatchObject({ email: "sign@example.org", role: "expert", name: "Sign In" });
    const out = await handleAuthRequest(
      new Request(`${ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "application/json" }, body: "{}" }),
    );
    expect(out.status).toBe(200);
    expect(await whoAmI({ cookie })).toEqual({ status: 200, body: { user: null } });
  });

  it("refuses a cross-site sign-out (better-auth's origin check)", async () => {
    const cookie = await signIn("sign@example.org");
    const out = await handleAuthRequest(
      new Request(`${ORIGIN}/api/auth/sign-out`, {
        method: "POST",
        headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(out.status).toBe(403);
    expect((await whoAmI({ cookie })).status).toBe(200);
  });
});

describe("the sign-in rate limit", () => {
  it(`allows ${LOGIN_LIMITS.perClient.max} attempts a minute per client and account, then 429 even with the right password`, async () => {
    await createOrUpdateUser({ email: "limited@example.org", password: PASSWORD, role: "expert" });
    const ip = randomIp();
    for (let i = 0; i < LOGIN_LIMITS.perClient.max; i++) {
      expect((await handleAuthRequest(signInRequest("limited@example.org", "wrong password!", { ip }))).status).toBe(401);
    }
    const refused = await handleAuthRequest(signInRequest("limited@example.org", PASSWORD, { ip }));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: "too_many_attempts", message: expect.stringMatching(/Try again in \d+ s/) });
    expect(refused.headers.getSetCookie()).toEqual([]);
    // Kept in the database, so every web process sees it.
    const { rows } = await db.pool.query(`SELECT count FROM rate_limit WHERE key = $1`, [`login:client:${ip}|limited@example.org`]);
    expect(rows).toEqual([{ count: LOGIN_LIMITS.perClient.max }]);
    // Another client is not locked out by this one.
    expect((await handleAuthRequest(signInRequest("limited@example.org", PASSWORD))).status).toBe(200);
  });

  it(`allows ${LOGIN_LIMITS.perAccount.max} attempts a minute per account from any number of addresses`, async () => {
    await createOrUpdateUser({ email: "sprayed@example.org", password: PASSWORD, role: "expert" });
    for (let i = 0; i < LOGIN_LIMITS.perAccount.max; i++) {
      expect((await handleAuthRequest(signInRequest("sprayed@example.org", "wrong password!"))).status).toBe(401);
    }
    expect((await handleAuthRequest(signInRequest("sprayed@example.org", PASSWORD))).status).toBe(429);
    // Other accounts are unaffected.
    await createOrUpdateUser({ email: "unaffected@example.org", password: PASSWORD, role: "expert" });
    expect((await handleAuthRequest(signInRequest("unaffected@example.org", PASSWORD))).status).toBe(200);
  });

  it("also limits one client address over many accounts (better-auth's limiter, in the same table)", async () => {
    const ip = randomIp();
    for (let i = 0; i < 30; i++) {
      expect((await handleAuthRequest(signInRequest(`nobody-${i}@example.org`, "wrong password!", { ip }))).status).toBe(401);
    }
    const refused = await handleAuthRequest(signInRequest("unaffected@example.org", PASSWORD, { ip }));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: "too_many_requests", message: expect.any(String) });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const { rows } = await db.pool.query(`SELECT count FROM rate_limit WHERE key = $1`, [`${ip}|/sign-in/email`]);
    expect(rows).toEqual([{ count: 30 }]);
  });
});

describe("disabled users", () => {
  it("cannot sign in, lose their sessions, and their API keys stop working until re-enabled", async () => {
    const { user } = await createOrUpdateUser({ email: "gone@example.org", password: PASSWORD, role: "expert" });
    const cookie = await signIn("gone@example.org");
    const { key } = await createApiKey(user.id);
    expect((await whoAmI({ bearer: key })).status).toBe(200);

    await setDisabled(user.id, true);
    expect(await sessions(user.id)).toBe(0);
    expect(await whoAmI({ cookie })).toEqual({ status: 200, body: { user: null } });
    expect((await whoAmI({ bearer: key })).status).toBe(401);

    const refused = await handleAuthRequest(signInRequest("gone@example.org", PASSWORD));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "account_disabled" });
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(await sessions(user.id)).toBe(0);
    // Without the password nobody learns that the account is disabled.
    expect((await handleAuthRequest(signInRequest("gone@example.org", "wrong password!"))).status).toBe(401);

    await setDisabled(user.id, false);
    expect((await whoAmI({ bearer: key })).status).toBe(200);
    await signIn("gone@example.org");
  });

  it("whose flag is set behind the library's back are still refused on every request", async () => {
    const { user } = await createOrUpdateUser({ email: "flagged@example.org", password: PASSWORD, role: "expert" });
    const cookie = await signIn("flagged@example.org");
    await db.pool.query(`UPDATE "user" SET disabled = true WHERE id = $1`, [user.id]);
    expect(await whoAmI({ cookie })).toEqual({ status: 200, body: { user: null } });
  });
});

describe("API keys", () => {
  it("are stored only as their SHA-256 and a short prefix, and record their last use", async () => {
    const { user } = await createOrUpdateUser({ email: "keys@example.org", password: PASSWORD, role: "expert" });
    const created = await createApiKey(user.id, "my tool");
    expect(created.key).toMatch(/^edgar_[A-Za-z0-9_-]{43}$/);
    const { rows } = await db.pool.query(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    expect(rows[0]).toMatchObject({ key_hash: hashApiKey(created.key), prefix: created.key.slice(0, 12), name: "my tool", last_used_at: null });
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify((await db.pool.query(`SELECT * FROM api_keys`)).rows);
    expect(everything).not.toContain(created.key);
    expect(everything).not.toContain(created.key.slice(12));

    expect((await whoAmI({ bearer: created.key })).body).toMatchObject({ id: user.id, email: "keys@example.org", role: "expert" });
    const [listed] = await listApiKeys({ userId: user.id });
    expect(listed).toMatchObject({ id: created.id, prefix: created.prefix, userEmail: "keys@example.org", revokedAt: null });
    expect(listed.lastUsedAt).toBeInstanceOf(Date);
    expect(listed).not.toHaveProperty("key");
  });

  it("once revoked are refused, for good", async () => {
    const { user } = await createOrUpdateUser({ email: "revoked@example.org", password: PASSWORD, role: "expert" });
    const { id, key } = await createApiKey(user.id);
    const other = await createOrUpdateUser({ email: "other-owner@example.org", password: PASSWORD, role: "expert" });
    expect(await revokeApiKey(id, { userId: other.user.id })).toBe(false);
    expect((await whoAmI({ bearer: key })).status).toBe(200);
    expect(await revokeApiKey(id)).toBe(true);
    expect(await revokeApiKey(id)).toBe(false);
    const refused = await whoAmI({ bearer: key });
    expect(refused).toEqual({ status: 401, body: { error: "invalid_api_key", message: expect.any(String) } });
  });

  it("that are unknown or malformed are a 401, not anonymous", async () => {
    expect((await whoAmI({ bearer: "edgar_not-a-real-key" })).body.error).toBe("invalid_api_key");
    expect((await whoAmI({ bearer: "x".repeat(5000) })).body.error).toBe("invalid_api_key");
    const basic = await me(new Request(`${ORIGIN}/api/me`, { headers: { authorization: "Basic dXNlcjpwYXNz" } }));
    expect(basic.status).toBe(401);
    expect((await basic.json()).error).toBe("invalid_authorization");
  });
});

describe("GET /api/me", () => {
  it("answers 200 { user: null } for anonymous callers and garbage cookies, not a refusal", async () => {
    expect(await whoAmI(null)).toEqual({ status: 200, body: { user: null } });
    expect(await whoAmI({ cookie: "edgar.session_token=forged.value" })).toEqual({ status: 200, body: { user: null } });
  });
});
