/**
 * The issuer is pinned: a provider whose discovery document names another issuer than OIDC_ISSUER
 * is refused before anyone is sent to it. (A file of its own: better-auth reads discovery once per
 * instance, and an instance is made per database.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { reloadConfig } from "@/lib/config";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { startOidcProvider, type TestOidcProvider } from "@/test/oidc-provider";
import { handleAuthRequest } from "./handler";
import { OIDC_CALLBACK_PATH } from "./oidc";
import { ORIGIN, randomIp, useTestSecret } from "./test-support";

useTestSecret();
let db: TestDatabase;
let provider: TestOidcProvider;

beforeAll(async () => {
  // The provider calls itself localhost; Edgar is told to expect 127.0.0.1.
  provider = await startOidcProvider({ redirectUris: [`${ORIGIN}${OIDC_CALLBACK_PATH}`], issuer: (port) => `http://localhost:${port}` });
  Object.assign(process.env, {
    PUBLIC_URL: ORIGIN,
    OIDC_ISSUER: `http://127.0.0.1:${provider.port}`,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
  });
  reloadConfig();
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const k of ["PUBLIC_URL", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"]) delete process.env[k];
  reloadConfig();
  await db?.drop();
  await provider?.close();
});

it("refuses a provider whose discovery names another issuer", async () => {
  const response = await handleAuthRequest(
    new Request(`${ORIGIN}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": randomIp() },
      body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
    }),
  );
  expect(response.status).toBe(502);
  const body = await response.json();
  expect(body).toEqual({ error: "oidc_issuer_mismatch", message: expect.stringContaining(`http://localhost:${provider.port}`) });
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM verification`);
  expect(rows[0].n).toBe(0);
});
