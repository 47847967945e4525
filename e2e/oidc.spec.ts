// Signing in with OpenID Connect against a real provider (oidc-provider, e2e/outside.ts), in
// Chromium: the first sign-in, the role claim, sign-out, and the refusals: a tampered state, an
// expired code, a disabled account. (A provider naming another issuer is refused before anyone is
// sent to it: lib/auth/oidc-issuer.test.ts, as Edgar is started with one provider here.)
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { OIDC_NAME, OIDC_URL } from "./outside-ports";
import { withSystemDb } from "./system";

const run = randomBytes(3).toString("hex");

async function nextLogin(page: Page, account: { email: string; name?: string; groups?: string[] }) {
  expect((await page.request.post(`${OIDC_URL}/__control/next-login`, { data: account })).status()).toBe(204);
}

async function codeTtl(page: Page, seconds: number) {
  expect((await page.request.post(`${OIDC_URL}/__control/code-ttl`, { data: { seconds } })).status()).toBe(204);
}

/** The provider spoils its next redirect back to Edgar (a browser lets no test touch a redirect). */
async function tweakNextCallback(page: Page, tweak: { tamperState?: boolean; delayMs?: number }) {
  expect((await page.request.post(`${OIDC_URL}/__control/tweak-next-callback`, { data: tweak })).status()).toBe(204);
}

test.afterEach(async ({ page }) => {
  await codeTtl(page, 60);
  await tweakNextCallback(page, {});
});

test("a first sign-in makes a researcher account; the role claim makes an expert; sign-out ends the session", async ({ page }) => {
  const email = `e2e-oidc-${run}@example.org`;
  await nextLogin(page, { email, name: "Olive Idc" });
  await page.goto("/login?next=/");
  await page.getByRole("button", { name: OIDC_NAME }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
  const menu = page.getByRole("button", { name: /Olive Idc, account menu/ });
  await expect(menu).toBeVisible();
  expect((await (await page.request.get("/api/me")).json())).toMatchObject({ email, role: "researcher" });

  await menu.click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: /account menu$/ })).toHaveCount(0);
  expect((await (await page.request.get("/api/me")).json()).user).toBeNull();

  const vetter = `e2e-oidc-vetter-${run}@example.org`;
  await nextLogin(page, { email: vetter, groups: ["bird-vetters"] });
  await page.goto("/login?next=/vettings");
  await page.getByRole("button", { name: OIDC_NAME }).click();
  await expect(page).toHaveURL(/\/vettings$/);
  await expect(page.getByRole("heading", { name: "My vettings" })).toBeVisible();
});

test("a tampered state is refused, and nobody is signed in", async ({ page }) => {
  const email = `e2e-oidc-tamper-${run}@example.org`;
  await nextLogin(page, { email });
  await tweakNextCallback(page, { tamperState: true });
  await page.goto("/login?next=/");
  await page.getByRole("button", { name: OIDC_NAME }).click();
  await expect(page).toHaveURL(/\/login\?.*error=/);
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/could not be verified/);
  expect((await (await page.request.get("/api/me")).json()).user).toBeNull();
});

test("an expired code is refused", async ({ page }) => {
  await nextLogin(page, { email: `e2e-oidc-slow-${run}@example.org` });
  await codeTtl(page, 1);
  await tweakNextCallback(page, { delayMs: 2_500 });
  await page.goto("/login?next=/");
  await page.getByRole("button", { name: OIDC_NAME }).click();
  await expect(page).toHaveURL(/\/login\?.*error=/);
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/expired or was already used/);
  expect((await (await page.request.get("/api/me")).json()).user).toBeNull();
});

test("a disabled account is refused", async ({ page }) => {
  const email = `e2e-oidc-disabled-${run}@example.org`;
  await nextLogin(page, { email });
  await page.goto("/login?next=/");
  await page.getByRole("button", { name: OIDC_NAME }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
  await withSystemDb((db) => db.query(`UPDATE "user" SET disabled = true WHERE email = $1`, [email]));
  await page.context().clearCookies();

  await page.goto("/login?next=/");
  await page.getByRole("button", { name: OIDC_NAME }).click();
  await expect(page).toHaveURL(/\/login\?.*error=/);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This account is disabled");
});
