// A second Living Atlas beside the ALA, in Chromium against the demo system: an admin adds it in
// /admin (its biocache-service URL, download email, field style), presses Sync now, and the
// worker runs the ALA's sync against it; its records count in its row, the species it has and the
// ALA lacks are listed as unmatched names.
import { expect, test } from "@playwright/test";
import { startSimulator, type Simulator } from "../lib/simulator";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "e2e-atlas-admin@example.org";
// Unique per attempt: a retry runs against the same system, where the first attempt's source remains.
const NAME = `Second atlas ${Date.now().toString(36)}`;

let atlas: Simulator;

test.beforeAll(async () => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "E2E Atlas Admin");
  // Its own record ids (seed) and taxon ids (prefix): its species join the ALA's by name.
  atlas = await startSimulator({ records: 800, seed: 99, taxonIdPrefix: "NBNSYS" });
});
test.afterAll(async () => {
  await atlas?.close();
});

interface SourceView {
  id: number;
  name: string;
  records: number;
  lastImportAt: string | null;
  lastRun: { status: string; added: number; skipped: number; error: string | null } | null;
}

test("an admin adds another Living Atlas and syncs it from the Sources panel", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/admin");
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  const panel = page.getByRole("region", { name: "Sources" });
  await panel.getByLabel("Kind").selectOption("living_atlas");
  await panel.getByLabel("Name").fill(NAME);
  await panel.getByLabel("Biocache service URL").fill(atlas.url);
  await panel.getByLabel("Download email").fill("e2e-atlas@example.org");
  await expect(panel.getByLabel("Field style")).toHaveValue("current");
  await panel.getByRole("button", { name: "Add source" }).click();
  const row = panel.getByRole("row", { name: new RegExp(NAME) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Living Atlas");

  const mine = async () => ((await (await page.request.get("/api/admin/sources")).json()) as { sources: SourceView[] }).sources.find((s) => s.name === NAME)!;
  expect((await mine()).lastImportAt).toBeNull();
  await row.getByRole("button", { name: "Sync now" }).click();
  await expect.poll(async () => (await mine()).lastRun?.status, { timeout: 180_000 }).toBe("succeeded");
  const synced = await mine();
  expect(synced.lastRun?.error).toBeNull();
  expect(synced.records).toBeGreaterThan(0);
  expect(synced.records).toBe(synced.lastRun!.added);
  expect(synced.lastImportAt).not.toBeNull();
  await expect(row).toContainText(String(synced.records));
});
