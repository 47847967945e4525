// A GBIF source in Chromium against the demo system (web + worker): an admin adds one in /admin
// with its GBIF account, pointed at the GBIF simulator this spec runs; "Sync now" queues it, the
// worker requests a download, waits for it (the panel shows the run waiting, with the download's
// key, while GBIF holds it PREPARING), and imports its birds; a source with a wrong password shows
// GBIF's refusal as its last run's error.
import { expect, test } from "@playwright/test";
import { GBIF_SIMULATOR_USER, startGbifSimulator, type GbifSimulator } from "../lib/simulator/gbif";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "e2e-gbif-admin@example.org";
// Unique per attempt: a retry runs against the same system, where the first attempt's sources remain.
const SUFFIX = Date.now().toString(36);
let gbif: GbifSimulator;

test.beforeAll(async () => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "E2E GBIF Admin");
  gbif = await startGbifSimulator({ records: 300, seed: 9, downloads: { preparingMs: 50, runningMs: 50 } });
});
test.afterAll(() => gbif?.close());

interface SourceView {
  name: string;
  records: number;
  lastRun: { status: string; added: number; error: string | null; download: { key: string; status: string | null } | null } | null;
}

test("an admin adds a GBIF source with its account, syncs it, and sees a wrong password refused", async ({ page }) => {
  // Two GBIF runs through the worker's queue, each waiting one poll interval for the download.
  test.setTimeout(240_000);
  await page.goto("/admin");
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  const panel = page.getByRole("region", { name: "Sources" });
  const add = async (name: string, password: string) => {
    await panel.getByLabel("Kind").selectOption("gbif");
    await panel.getByLabel("Name", { exact: true }).fill(name);
    await panel.getByLabel("GBIF API URL (optional)").fill(gbif.apiUrl);
    await panel.getByLabel("GBIF username").fill(GBIF_SIMULATOR_USER.username);
    await panel.getByLabel("GBIF password").fill(password);
    await panel.getByRole("button", { name: "Add source" }).click();
    await expect(panel.getByRole("row", { name: new RegExp(name) })).toBeVisible();
    // The password is not shown back, nor sent to the browser.
    await expect(panel.getByLabel("GBIF password")).toHaveValue("");
  };
  const sources = async () => ((await (await page.request.get("/api/admin/sources")).json()) as { sources: SourceView[] }).sources;
  const find = async (name: string) => (await sources()).find((s) => s.name === name)!;

  const good = `GBIF ${SUFFIX}`;
  await add(good, GBIF_SIMULATOR_USER.password);
  expect(JSON.stringify(await sources())).not.toContain(GBIF_SIMULATOR_USER.password);
  // GBIF holds the download PREPARING: the run shows as waiting, with its key, before anything is imported.
  gbif.downloads.settings.preparingMs = 3_600_000;
  const row = panel.getByRole("row", { name: new RegExp(good) });
  await row.getByRole("button", { name: "Sync now" }).click();
  await expect(row).toContainText(/waiting for GBIF: download \S+ is PREPARING, asked for [\w ]+ ago/, { timeout: 60_000 });
  const key = gbif.downloads.state().downloads.at(-1)!.key;
  await expect(row).toContainText(key);
  expect((await find(good)).lastRun).toMatchObject({ status: "waiting", download: { key, status: "PREPARING" } });
  expect((await find(good)).records).toBe(0);
  gbif.downloads.settings.preparingMs = 50;
  await expect.poll(async () => (await find(good)).lastRun?.status, { timeout: 120_000 }).toBe("succeeded");
  const imported = await find(good);
  expect(imported.records).toBeGreaterThan(0);
  expect(imported.lastRun!.added).toBe(imported.records);
  await expect(panel.getByRole("row", { name: new RegExp(good) })).toContainText(`+${imported.records}`);
  expect(gbif.downloads.state().downloads.at(-1)!.predicate).toEqual({ type: "and", predicates: [{ type: "equals", key: "TAXON_KEY", value: "212" }] });

  const wrong = `GBIF wrong ${SUFFIX}`;
  await add(wrong, "not the password");
  await panel.getByRole("row", { name: new RegExp(wrong) }).getByRole("button", { name: "Sync now" }).click();
  await expect.poll(async () => (await find(wrong)).lastRun?.status, { timeout: 120_000 }).toBe("failed");
  await expect(panel.getByRole("row", { name: new RegExp(wrong) })).toContainText('GBIF refused the credentials of user "edgar" (HTTP 401)');
  expect((await find(wrong)).records).toBe(0);
});
