// Another source beside the ALA, in Chromium against the demo system (web + worker + simulator):
// an admin adds a Darwin Core Archive source in /admin, uploads an archive, the worker imports it,
// an unmatched name is listed; a broken archive is refused with its rows; on the map a Sources
// checklist filters the records, and the download names each record's source.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { csvRecords } from "../lib/downloads/test-support";
import { coreText, EML, metaXml, writeArchive, writeZip } from "../lib/sources/dwca/test-archive";
import { mostRecorded } from "./helpers";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "e2e-sources-admin@example.org";
// Unique per attempt: a retry runs against the same system, where the first attempt's source remains.
const NAME = `Backyard survey ${Date.now().toString(36)}`;

test.beforeAll(() => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "E2E Sources Admin");
});

interface SourceView {
  id: number;
  name: string;
  records: number;
  lastRun: { status: string; added: number; error: string | null } | null;
}

test("an admin adds a Darwin Core Archive source, uploads it, and the map and downloads show each record's source", async ({ page, request }) => {
  // Two imports through the worker's queue, then the map: more than the default minute on a busy machine.
  test.setTimeout(240_000);
  const species = await mostRecorded(request);
  const detail = await (await request.get(`/api/species/${species.id}`)).json();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-e2e-sources-"));
  const good = await writeArchive(path.join(dir, "survey.zip"), [
    ...Array.from({ length: 30 }, (_, i) => ({
      occurrenceID: `survey-${i}`,
      scientificName: `${detail.scientificName} (Someone, 1801)`,
      class: "Aves",
      decimalLatitude: String(-30 - i / 10),
      decimalLongitude: String(140 + i / 10),
      eventDate: `2024-02-${String((i % 28) + 1).padStart(2, "0")}`,
    })),
    { occurrenceID: "survey-x", scientificName: "Avis imaginaria Nobody, 2000", class: "Aves", decimalLatitude: "-30", decimalLongitude: "140", eventDate: "2024-01-01" },
  ]);
  const bad = await writeZip(path.join(dir, "bad.zip"), {
    "meta.xml": metaXml(),
    "eml.xml": EML,
    "occurrence.txt": coreText([{ occurrenceID: "b-1", scientificName: "X y", decimalLatitude: "north", decimalLongitude: "140" }]),
  });

  await page.goto("/admin");
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  const panel = page.getByRole("region", { name: "Sources" });
  await panel.getByLabel("Name").fill(NAME);
  await panel.getByLabel("Archive path or URL").fill("/nowhere/survey.zip");
  await panel.getByLabel("Schedule (cron, optional)").fill("whenever");
  await panel.getByRole("button", { name: "Add source" }).click();
  await expect(panel.getByRole("alert")).toContainText("cron");
  await panel.getByLabel("Schedule (cron, optional)").fill("");
  await panel.getByRole("button", { name: "Add source" }).click();
  const row = panel.getByRole("row", { name: new RegExp(NAME) });
  await expect(row).toBeVisible();

  const sources = async () => ((await (await page.request.get("/api/admin/sources")).json()) as { sources: SourceView[] }).sources;
  const mine = async () => (await sources()).find((s) => s.name === NAME)!;

  // A broken archive is refused with its row, and nothing is imported.
  await row.locator('input[type="file"]').setInputFiles(bad);
  await expect.poll(async () => (await mine()).lastRun?.status, { timeout: 60_000 }).toBe("failed");
  await expect(panel).toContainText('line 2: decimalLatitude "north" is not a number');
  expect((await mine()).records).toBe(0);

  await row.locator('input[type="file"]').setInputFiles(good);
  await expect.poll(async () => (await mine()).lastRun?.status, { timeout: 60_000 }).toBe("succeeded");
  expect((await mine()).records).toBe(30);
  await expect(row).toContainText("30");
  await expect(panel).toContainText("Avis imaginaria Nobody, 2000");

  // On the map: a Sources checklist beside the filters; unticking the ALA leaves the survey's records.
  const id = (await mine()).id;
  await page.goto(`/species/${species.id}`);
  const filters = page.getByRole("group", { name: "Sources" });
  await expect(filters.getByLabel("ALA")).toBeChecked();
  await filters.getByLabel("ALA").uncheck();
  // Other specs' sources (Living Atlas, GBIF) stay ticked beside this one; the ALA's is gone.
  const ala = (await sources()).find((s) => s.name === "ALA")!.id;
  await expect.poll(() => new URL(page.url()).searchParams.get("sources")?.split(",").map(Number) ?? []).toContain(id);
  expect(new URL(page.url()).searchParams.get("sources")!.split(",").map(Number)).not.toContain(ala);

  const csv = csvRecords(await (await request.get(`/api/species/${species.id}/occurrences?format=csv&sources=${id}`)).text());
  expect(csv).toHaveLength(30);
  expect(new Set(csv.map((r) => r.source))).toEqual(new Set([NAME]));
  expect(csv.map((r) => r.occurrenceID).sort()[0]).toBe("survey-0");
  const all = csvRecords(await (await request.get(`/api/species/${species.id}/occurrences?format=csv`)).text());
  const named = new Set(all.map((r) => r.source));
  expect(named).toContain("ALA");
  expect(named).toContain(NAME);
  fs.rmSync(dir, { recursive: true, force: true });
});
