// Accounts in the browser: /login, the account menu, /vettings (list, edit, delete), roles.
import { expect, test } from "@playwright/test";
import { mostRecorded } from "./helpers";
import { PASSWORD, signIn, userCli } from "./users";

const EXPERT = "e2e-expert@example.org";
const RESEARCHER = "e2e-researcher@example.org";

let apiKey: string;
test.beforeAll(() => {
  userCli("create", "--email", EXPERT, "--password", PASSWORD, "--role", "expert", "--name", "E2E Expert");
  userCli("create", "--email", RESEARCHER, "--password", PASSWORD, "--role", "researcher");
  apiKey = userCli("apikey", "--email", EXPERT, "--name", "e2e");
});

test("an expert signs in, edits and deletes their vetting, and signs out", async ({ page, request, context }) => {
  const species = await mostRecorded(request);
  const created = await request.post("/api/vettings", {
    headers: { authorization: `Bearer ${apiKey}` },
    data: {
      speciesId: species.id,
      classification: "known_invalid",
      area: { type: "Polygon", coordinates: [[[150, -34], [151, -34], [151, -33], [150, -33], [150, -34]]] },
      comment: "cage escapes <b>not wild</b>",
    },
  });
  expect(created.status()).toBe(201);
  const vetting = await created.json();

  // Anonymous: sent to sign in, and back afterwards.
  await page.goto("/vettings");
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)vettings$/);
  await signIn(page, EXPERT, "not the password");
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/invalid email or password/i);
  await signIn(page, EXPERT);
  await expect(page).toHaveURL(/\/vettings$/);
  await expect(page.getByRole("heading", { name: "My vettings" })).toBeVisible();

  const session = (await context.cookies()).find((c) => c.name === "edgar.session_token");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  const row = page.getByRole("row").filter({ hasText: species.scientificName });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Known invalid");
  // Text from users is text, never markup.
  await expect(row).toContainText("cage escapes <b>not wild</b>");
  await expect(row.getByRole("link", { name: /Edit the area/ })).toHaveAttribute("href", `/species/${species.id}?vetting=${vetting.id}`);

  await row.getByRole("button", { name: /^Edit vetting/ }).click();
  await row.getByLabel(/Classification of the vetting/).selectOption("known_valid");
  await row.getByLabel(/Comment on the vetting/).fill("seen breeding here");
  // The page shows the edit at once; reload only once the server has answered it.
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes(`/api/vettings/${vetting.id}`));
  await row.getByRole("button", { name: "Save" }).click();
  expect((await saved).status()).toBe(200);
  await expect(row).toContainText("Known valid");
  await expect(row).toContainText("seen breeding here");
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: species.scientificName })).toContainText("seen breeding here");

  const reloaded = page.getByRole("row").filter({ hasText: species.scientificName });
  await reloaded.getByRole("button", { name: /^Delete vetting/ }).click();
  await expect(reloaded.getByRole("button", { name: "Delete", exact: true })).toBeFocused();
  await reloaded.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByText("You have no vettings yet.")).toBeVisible();
  const live = await (await request.get(`/api/vettings?speciesId=${species.id}`)).json();
  expect(live.map((v: { id: number }) => v.id)).not.toContain(vetting.id);

  // The account menu, by keyboard.
  const menu = page.getByRole("button", { name: /E2E Expert, account menu/ });
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText(`Signed in as ${EXPERT}`)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toBeFocused();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)vettings$/);
  const me = await page.request.get("/api/me");
  expect([me.status(), await me.json()]).toEqual([200, { user: null }]);
});

test("a researcher is told vetting is for experts; a stranger's Origin cannot use the session", async ({ page }) => {
  await page.goto("/login?next=/vettings");
  await signIn(page, RESEARCHER);
  await expect(page).toHaveURL(/\/vettings$/);
  await expect(page.getByRole("note")).toContainText("Vetting is for experts only");
  const me = await page.request.get("/api/me");
  expect(await me.json()).toMatchObject({ email: RESEARCHER, role: "researcher" });
  const crossSite = await page.request.delete("/api/vettings/1", { headers: { origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  expect((await crossSite.json()).error).toBe("cross_site_request");
});
