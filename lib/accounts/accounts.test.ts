/**
 * Invitations and password resets through their route handlers, on a real PostgreSQL, with a real
 * SMTP receiver reading what Edgar sends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DELETE as revoke } from "@/app/api/admin/invitations/[id]/route";
import { GET as listInvites, POST as invite } from "@/app/api/admin/invitations/route";
import { GET as listUsersRoute } from "@/app/api/admin/users/route";
import { POST as accept } from "@/app/api/invitations/accept/route";
import { POST as confirmReset } from "@/app/api/password-reset/confirm/route";
import { POST as requestReset } from "@/app/api/password-reset/route";
import { GET as me } from "@/app/api/me/route";
import { actor, apiRequest, ORIGIN, params, PASSWORD, randomIp, signIn, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { createOrUpdateUser, setDisabled } from "@/lib/auth/users";
import { reloadConfig } from "@/lib/config";
import { startSmtpReceiver, type SmtpReceiver } from "@/test/smtp-receiver";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { hashToken } from "./tokens";
import { RESET_ANSWER, RESET_LIMITS } from "./password-reset";

useTestSecret();
const PUBLIC_URL = "https://edgar.example.org";
let db: TestDatabase;
let smtp: SmtpReceiver;
let admin: Actor;
let counter = 0;
const address = (what: string) => `${what}-${++counter}-${Date.now()}@example.org`;

function useEnv(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadConfig();
}

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpReceiver();
  admin = await actor("admin");
});
afterAll(async () => {
  await smtp?.close();
  await db?.drop();
  useEnv({ SMTP_URL: undefined, PUBLIC_URL: undefined, MAIL_FROM: undefined, LOCAL_PASSWORDS: undefined });
});
beforeEach(() => useEnv({ SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: "Edgar <edgar@example.org>", LOCAL_PASSWORDS: undefined }));

/** A request as a browser sends it, addressed to a host of the attacker's choosing. */
const anonymous = (path: string, body: unknown, host = "evil.example") =>
  new Request(`http://${host}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": randomIp(), host },
    body: JSON.stringify(body),
  });

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const linkIn = (text: string) => /https?:\/\/\S+/.exec(text)![0];

async function sendInvitation(email: string, role = "expert") {
  const response = await invite(apiRequest("POST", "/api/admin/invitations", { cookie: admin.cookie }, { email, role }));
  return { status: response.status, body: await response.json() };
}

describe("invitations", () => {
  it("email a one-time link on PUBLIC_URL, with plain-text and HTML parts, and store only the token's hash", async () => {
    const email = address("invitee");
    const { status, body } = await sendInvitation(email.toUpperCase());
    expect(status).toBe(201);
    expect(body).toMatchObject({ email, role: "expert", status: "pending", invitedBy: admin.email, emailed: true });
    expect(body).not.toHaveProperty("link");
    const expiresIn = new Date(body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(6.9 * 24 * 3600e3);
    expect(expiresIn).toBeLessThanOrEqual(7 * 24 * 3600e3);

    const mail = await smtp.next(email);
    expect(mail.subject).toBe("You are invited to Edgar");
    expect(mail.from?.value[0]).toMatchObject({ address: "edgar@example.org", name: "Edgar" });
    const link = linkIn(mail.text!);
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/invitation\\?token=[A-Za-z0-9_-]{43}$`));
    expect(mail.text).toContain(admin.email);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toContain("an expert");

    const { rows } = await db.pool.query(`SELECT token_hash FROM invitations WHERE email = $1`, [email]);
    expect(rows).toEqual([{ token_hash: hashToken(tokenOf(link)) }]);
    expect(JSON.stringify((await db.pool.query(`SELECT * FROM invitations`)).rows)).not.toContain(tokenOf(link));
  });

  it("are accepted once by setting a password; the account has the invited role and the audit trail", async () => {
    const email = address("accept");
    await sendInvitation(email, "expert");
    const token = tokenOf(linkIn((await smtp.next(email)).text!));
    const response = await accept(apiRequest("POST", "/api/invitations/accept", null, { token, password: PASSWORD, name: "New Expert" }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ email, role: "expert", next: "/vettings" });
    const cookie = await signIn(email);
    expect(await (await me(apiRequest("GET", "/api/me", { cookie }))).json()).toMatchObject({ email, role: "expert", name: "New Expert" });

    const again = await accept(apiRequest("POST", "/api/invitations/accept", null, { token, password: PASSWORD }));
    expect(again.status).toBe(410);
    expect((await again.json()).error).toBe("invitation_unusable");

    const users = await (await listUsersRoute(apiRequest("GET", "/api/admin/users", { cookie: admin.cookie }))).json();
    const listed = users.find((u: { email: string }) => u.email === email);
    expect(listed).toMatchObject({ invitedBy: admin.email, lastSignInMethod: "password" });
    expect(listed.invitedAt).toEqual(expect.any(String));
    expect(listed.lastSignInAt).toEqual(expect.any(String));
    const invitations = await (await listInvites(apiRequest("GET", "/api/admin/invitations", { cookie: admin.cookie }))).json();
    expect(invitations.find((i: { email: string }) => i.email === email)).toMatchObject({ status: "accepted" });
  });

  it("are listed and revoked; a revoked or expired link is refused and makes no account", async () => {
    const revoked = address("revoked");
    const { body } = await sendInvitation(revoked);
    const token = tokenOf(linkIn((await smtp.next(revoked)).text!));
    const list = await (await listInvites(apiRequest("GET", "/api/admin/invitations", { cookie: admin.cookie }))).json();
    expect(list[0]).toMatchObject({ id: body.id, email: revoked, status: "pending" });
    expect(JSON.stringify(list)).not.toMatch(/token/i);
    expect((await revoke(apiRequest("DELETE", `/api/admin/invitations/${body.id}`, { cookie: admin.cookie }), params({ id: String(body.id) }))).status).toBe(204);
    expect((await revoke(apiRequest("DELETE", `/api/admin/invitations/${body.id}`, { cookie: admin.cookie }), params({ id: String(body.id) }))).status).toBe(404);
    expect((await accept(apiRequest("POST", "/api/invitations/accept", null, { token, password: PASSWORD }))).status).toBe(410);

    const expired = address("expired");
    await sendInvitation(expired);
    const expiredToken = tokenOf(linkIn((await smtp.next(expired)).text!));
    await db.pool.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE email = $1`, [expired]);
    expect((await accept(apiRequest("POST", "/api/invitations/accept", null, { token: expiredToken, password: PASSWORD }))).status).toBe(410);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "user" WHERE email IN ($1, $2)`, [revoked, expired]);
    expect(rows[0].n).toBe(0);
  });

  it("a newer invitation to the same address replaces the pending one", async () => {
    const email = address("twice");
    await sendInvitation(email, "expert");
    const first = tokenOf(linkIn((await smtp.next(email)).text!));
    await sendInvitation(email, "admin");
    const second = tokenOf(linkIn((await smtp.next(email)).text!));
    expect((await accept(apiRequest("POST", "/api/invitations/accept", null, { token: first, password: PASSWORD }))).status).toBe(410);
    const ok = await accept(apiRequest("POST", "/api/invitations/accept", null, { token: second, password: PASSWORD }));
    expect(await ok.json()).toMatchObject({ role: "admin", next: "/admin" });
  });

  it("to an address with an account is a 409, and nothing is sent", async () => {
    const before = smtp.messages.length;
    const { status, body } = await sendInvitation(admin.email);
    expect(status).toBe(409);
    expect(body.error).toBe("user_exists");
    expect(smtp.messages.length).toBe(before);
  });

  it("without SMTP give the admin the link and say why", async () => {
    useEnv({ SMTP_URL: undefined });
    const email = address("nosmtp");
    const { status, body } = await sendInvitation(email);
    expect(status).toBe(201);
    expect(body).toMatchObject({ emailed: false, reason: expect.stringMatching(/SMTP_URL is not set/) });
    expect(body.link).toMatch(new RegExp(`^${PUBLIC_URL}/invitation\\?token=`));
    expect((await accept(apiRequest("POST", "/api/invitations/accept", null, { token: tokenOf(body.link), password: PASSWORD }))).status).toBe(201);
  });

  it("with an SMTP server that refuses give the link and the server's answer", async () => {
    smtp.refuse(true);
    try {
      const { status, body } = await sendInvitation(address("refused"));
      expect(status).toBe(201);
      expect(body).toMatchObject({ emailed: false, reason: expect.stringMatching(/SMTP server refused/), link: expect.stringContaining("/invitation?token=") });
    } finally {
      smtp.refuse(false);
    }
  });

  it("are for admins only", async () => {
    const expert = await actor("expert");
    expect((await invite(apiRequest("POST", "/api/admin/invitations", { cookie: expert.cookie }, { email: address("x"), role: "admin" }))).status).toBe(403);
    expect((await invite(apiRequest("POST", "/api/admin/invitations", null, { email: address("x"), role: "admin" }))).status).toBe(401);
    expect((await listInvites(apiRequest("GET", "/api/admin/invitations", { bearer: expert.key }))).status).toBe(403);
  });
});

describe("password reset", () => {
  it("answers the same whether or not the address has an account, and emails a link on PUBLIC_URL, never the Host header", async () => {
    const email = address("forgetful");
    await createOrUpdateUser({ email, password: PASSWORD, role: "expert" });
    const known = await requestReset(anonymous("/api/password-reset", { email }));
    const unknown = await requestReset(anonymous("/api/password-reset", { email: address("nobody") }));
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.json()).toEqual({ message: RESET_ANSWER });
    expect(await unknown.json()).toEqual({ message: RESET_ANSWER });

    const mail = await smtp.next(email);
    expect(mail.subject).toBe("Reset your Edgar password");
    const link = linkIn(mail.text!);
    expect(link.startsWith(`${PUBLIC_URL}/reset-password?token=`)).toBe(true);
    expect(mail.text).not.toContain("evil.example");
    expect(mail.html).not.toContain("evil.example");
    expect(mail.html).toContain(`href="${link}"`);
  });

  it("sets the new password once, signs the account out everywhere, and kills its other links", async () => {
    const email = address("reset");
    await createOrUpdateUser({ email, password: PASSWORD, role: "expert" });
    const cookie = await signIn(email);
    await requestReset(anonymous("/api/password-reset", { email }));
    await requestReset(anonymous("/api/password-reset", { email }));
    const first = tokenOf(linkIn((await smtp.next(email)).text!));
    const second = tokenOf(linkIn((await smtp.next(email)).text!));
    const done = await confirmReset(anonymous("/api/password-reset/confirm", { token: second, password: "a brand new password" }));
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ email });
    expect(await (await me(apiRequest("GET", "/api/me", { cookie }))).json()).toEqual({ user: null });
    await expect(signIn(email)).rejects.toThrow(/401/);
    await signIn(email, "a brand new password");
    for (const token of [first, second]) {
      const refused = await confirmReset(anonymous("/api/password-reset/confirm", { token, password: "yet another password" }));
      expect(refused.status).toBe(410);
    }
  });

  it("sends nothing for a disabled account, and refuses its links", async () => {
    const email = address("disabled");
    const { user } = await createOrUpdateUser({ email, password: PASSWORD, role: "expert" });
    await requestReset(anonymous("/api/password-reset", { email }));
    const token = tokenOf(linkIn((await smtp.next(email)).text!));
    await setDisabled(user.id, true);
    const before = smtp.messages.length;
    expect((await requestReset(anonymous("/api/password-reset", { email }))).status).toBe(202);
    expect((await confirmReset(anonymous("/api/password-reset/confirm", { token, password: "a brand new password" }))).status).toBe(410);
    expect(smtp.messages.length).toBe(before);
  });

  it(`is limited to ${RESET_LIMITS.perAddress.max} requests an hour per address, known or not (429, Retry-After)`, async () => {
    for (const email of [address("limited"), address("limited-unknown")]) {
      for (let i = 0; i < RESET_LIMITS.perAddress.max; i++) expect((await requestReset(anonymous("/api/password-reset", { email }))).status).toBe(202);
      const refused = await requestReset(anonymous("/api/password-reset", { email }));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await refused.json()).error).toBe("too_many_attempts");
    }
  });

  it("is refused when local passwords are off", async () => {
    useEnv({ LOCAL_PASSWORDS: "off", OIDC_ISSUER: "https://id.example.org", OIDC_CLIENT_ID: "edgar" });
    try {
      expect((await requestReset(anonymous("/api/password-reset", { email: address("off") }))).status).toBe(403);
    } finally {
      useEnv({ OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined });
    }
  });
});
