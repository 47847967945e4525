/**
 * LOCAL_PASSWORDS=off: only OpenID Connect signs people in; a right password opens nothing, and
 * invitations are accepted by OIDC only. (A file of its own: the setting is read when better-auth's
 * instance is made, one per database.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { POST as accept } from "@/app/api/invitations/accept/route";
import { reloadConfig } from "@/lib/config";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { handleAuthRequest } from "./handler";
import { OIDC_CALLBACK_PATH } from "./oidc";
import { apiRequest, ORIGIN, PASSWORD, signInRequest, useTestSecret } from "./test-support";
import { createOrUpdateUser } from "./users";

useTestSecret();
let db: TestDatabase;
let provider: TestOidcProvider;
const ENV = ["PUBLIC_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "LOCAL_PASSWORDS"];

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [`${ORIGIN}${OIDC_CALLBACK_PATH}`] });
  Object.assign(process.env, {
    PUBLIC_URL: ORIGIN,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    LOCAL_PASSWORDS: "off",
  });
  reloadConfig();
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const k of ENV) delete process.env[k];
  reloadConfig();
  await db?.drop();
  await provider?.close();
});

it("refuses a sign-in with the right password, and sets no cookie", async () => {
  await createOrUpdateUser({ email: "local@example.org", password: PASSWORD, role: "expert" });
  const response = await handleAuthRequest(signInRequest("local@example.org", PASSWORD));
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(await response.json()).toEqual({ error: expect.any(String), message: expect.any(String) });
  expect(response.headers.getSetCookie().filter((c) => c.startsWith("edgar.session_token="))).toEqual([]);
});

it("refuses to accept an invitation with a password", async () => {
  const response = await accept(apiRequest("POST", "/api/invitations/accept", null, { token: "A".repeat(43), password: PASSWORD }));
  expect(response.status).toBe(403);
  expect((await response.json()).error).toBe("local_passwords_off");
});
