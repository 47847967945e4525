/**
 * OpenID Connect sign-in against a real provider (oidc-provider on 127.0.0.1), through
 * better-auth's real handler: the browser's part is played by following redirects with a cookie
 * jar for each site.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/me/route";
import { POST as invite } from "@/app/api/admin/invitations/route";
import { reloadConfig } from "@/lib/config";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { startOidcProvider, type TestAccount, type TestOidcProvider } from "@/test/oidc-provider";
import { handleAuthRequest } from "./handler";
import { OIDC_CALLBACK_PATH } from "./oidc";
import { actor, apiRequest, ORIGIN, randomIp, useTestSecret } from "./test-support";
import { createOrUpdateUser, findUserByEmail, setDisabled, setRole } from "./users";

useTestSecret();
let db: TestDatabase;
let provider: TestOidcProvider;

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [`${ORIGIN}${OIDC_CALLBACK_PATH}`] });
  Object.assign(process.env, {
    PUBLIC_URL: ORIGIN,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_NAME: "Sign in with the Test IdP",
    OIDC_SCOPES: "groups",
    OIDC_ROLE_CLAIM: "groups",
    OIDC_EXPERT_VALUES: "bird-vetters",
    OIDC_ADMIN_VALUES: "edgar-admins",
    SMTP_URL: "",
  });
  reloadConfig();
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const k of ["PUBLIC_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME", "OIDC_SCOPES", "OIDC_ROLE_CLAIM", "OIDC_EXPERT_VALUES", "OIDC_ADMIN_VALUES"]) delete process.env[k];
  reloadConfig();
  await db?.drop();
  await provider?.close();
});

class Jar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const value = pair.slice(i + 1);
      if (value === "" || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

interface Flow {
  /** the provider's answer that sends the browser back to Edgar */
  callbackUrl: URL;
  edgar: Jar;
}

/** Starts a sign-in at Edgar and goes through the provider up to the redirect back to Edgar's callback. */
async function toCallback(account: TestAccount, callbackURL = "/vettings"): Promise<Flow> {
  provider.nextLogin(account);
  const edgar = new Jar();
  const start = await handleAuthRequest(
    new Request(`${ORIGIN}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": randomIp() },
      body: JSON.stringify({ provider: "oidc", callbackURL, errorCallbackURL: "/login" }),
    }),
  );
  expect(start.status, await start.clone().text()).toBe(200);
  edgar.take(start);
  const { url } = (await start.json()) as { url: string };
  const authorize = new URL(url);
  expect(authorize.origin).toBe(provider.issuer);
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("state")).toBeTruthy();
  expect(authorize.searchParams.get("nonce")).toBeTruthy();
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${ORIGIN}${OIDC_CALLBACK_PATH}`);

  const idp = new Jar();
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    if (next.startsWith(ORIGIN)) return { callbackUrl: new URL(next), edgar };
    const response = await fetch(next, { redirect: "manual", headers: { cookie: idp.header() } });
    idp.take(response);
    const location = response.headers.get("location");
    if (!location) throw new Error(`the provider answered ${response.status} without a redirect: ${await response.text()}`);
    next = new URL(location, next).href;
  }
  throw new Error("too many redirects at the provider");
}

/** Edgar's callback; returns where it sends the browser and the Cookie header of a session, if any. */
async function callback({ callbackUrl, edgar }: Flow): Promise<{ location: string; cookie: string | null }> {
  const response = await handleAuthRequest(new Request(callbackUrl, { headers: { cookie: edgar.header(), "x-forwarded-for": randomIp() } }));
  expect([302, 303, 307]).toContain(response.status);
  const session = response.headers.getSetCookie().find((c) => c.startsWith("edgar.session_token="));
  return { location: response.headers.get("location") ?? "", cookie: session ? session.split(";")[0] : null };
}

const whoAmI = async (cookie: string | null) => (await (await me(apiRequest("GET", "/api/me", cookie ? { cookie } : null))).json()) as Record<string, unknown>;

describe("OpenID Connect sign-in", () => {
  it("makes a researcher account at the first sign-in, records the method, and signs out", async () => {
    const email = "first-time@example.org";
    const { location, cookie } = await callback(await toCallback({ email, name: "First Time" }));
    expect(location).toBe("/vettings");
    expect(await whoAmI(cookie)).toMatchObject({ email, role: "researcher", name: "First Time" });
    const { rows } = await db.pool.query(
      `SELECT u.last_sign_in_method, u.last_sign_in_at, a."providerId", a."accessToken", a."idToken", a."refreshToken"
         FROM "user" u JOIN account a ON a."userId" = u.id WHERE u.email = $1`,
      [email],
    );
    expect(rows).toEqual([{ last_sign_in_method: "oidc", last_sign_in_at: expect.any(Date), providerId: "oidc", accessToken: null, idToken: null, refreshToken: null }]);

    const out = await handleAuthRequest(
      new Request(`${ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie: cookie!, origin: ORIGIN, "content-type": "application/json" }, body: "{}" }),
    );
    expect(out.status).toBe(200);
    expect(await whoAmI(cookie)).toEqual({ user: null });
    // Signing in again finds the same account.
    const again = await callback(await toCallback({ email, name: "First Time" }));
    expect(await whoAmI(again.cookie)).toMatchObject({ email, role: "researcher" });
  });

  it("maps the role claim to expert or admin, and never lowers a role by it", async () => {
    const expert = await callback(await toCallback({ email: "vetter@example.org", groups: ["birders", "bird-vetters"] }));
    expect(await whoAmI(expert.cookie)).toMatchObject({ role: "expert" });
    const admin = await callback(await toCallback({ email: "boss@example.org", groups: ["bird-vetters", "edgar-admins"] }));
    expect(await whoAmI(admin.cookie)).toMatchObject({ role: "admin" });
    const promoted = (await findUserByEmail("vetter@example.org"))!;
    await setRole(promoted.id, "admin");
    await callback(await toCallback({ email: "vetter@example.org", groups: [] }));
    expect((await findUserByEmail("vetter@example.org"))?.role).toBe("admin");
  });

  it("signs an existing password account in under its verified email, and accepts a pending invitation", async () => {
    const { user } = await createOrUpdateUser({ email: "both@example.org", password: "a password of theirs", role: "expert" });
    const both = await callback(await toCallback({ email: "both@example.org" }));
    expect(await whoAmI(both.cookie)).toMatchObject({ id: user.id, role: "expert" });

    const inviter = await actor("admin");
    const invited = await invite(apiRequest("POST", "/api/admin/invitations", { cookie: inviter.cookie }, { email: "invited@example.org", role: "expert" }));
    expect(invited.status).toBe(201);
    const signedIn = await callback(await toCallback({ email: "invited@example.org" }));
    expect(await whoAmI(signedIn.cookie)).toMatchObject({ email: "invited@example.org", role: "expert" });
    const { rows } = await db.pool.query(
      `SELECT i.accepted_at IS NOT NULL AS accepted, u.invited_by = $2 AS by_inviter FROM invitations i JOIN "user" u ON u.email = i.email WHERE i.email = $1`,
      ["invited@example.org", inviter.id],
    );
    expect(rows).toEqual([{ accepted: true, by_inviter: true }]);
  });

  it("refuses a disabled account", async () => {
    const first = await callback(await toCallback({ email: "gone@example.org" }));
    const user = (await findUserByEmail("gone@example.org"))!;
    await setDisabled(user.id, true);
    expect(await whoAmI(first.cookie)).toEqual({ user: null });
    const refused = await callback(await toCallback({ email: "gone@example.org" }));
    expect(refused.cookie).toBeNull();
    expect(refused.location).toMatch(/^\/login\?error=/);
  });

  it("refuses a tampered state", async () => {
    const flow = await toCallback({ email: "tamper@example.org" });
    flow.callbackUrl.searchParams.set("state", "tampered" + flow.callbackUrl.searchParams.get("state"));
    const refused = await callback(flow);
    expect(refused.cookie).toBeNull();
    expect(refused.location).toBe("/login?error=state_mismatch");
    expect(await findUserByEmail("tamper@example.org")).toBeNull();
  });

  it("refuses an expired code", async () => {
    provider.codeTtl(1);
    try {
      const flow = await toCallback({ email: "slow@example.org" });
      await new Promise((r) => setTimeout(r, 2_100));
      const refused = await callback(flow);
      expect(refused.cookie).toBeNull();
      expect(refused.location).toMatch(/^\/login\?error=/);
      expect(await findUserByEmail("slow@example.org")).toBeNull();
    } finally {
      provider.codeTtl(60);
    }
  });

  it("refuses a code used twice", async () => {
    const flow = await toCallback({ email: "replay@example.org" });
    const url = new URL(flow.callbackUrl);
    expect((await callback(flow)).cookie).not.toBeNull();
    const replay = await callback({ callbackUrl: url, edgar: flow.edgar });
    expect(replay.cookie).toBeNull();
  });
});
