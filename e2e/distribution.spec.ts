// Distribution maps: the layer and legend, EOO/AOO on the species panel, and an expert's
// known-invalid vetting shrinking the range, EOO and AOO on the open page with no reload.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { occurrencesReady, renderedOccurrences, type SpeciesMatch } from "./helpers";
import { signIn, userCli, PASSWORD } from "./users";

const EXPERT = { email: "range-expert@example.org", name: "Range Expert" };

let species: SpeciesMatch;
test.beforeAll(async ({ request }) => {
  userCli("create", "--email", EXPERT.email, "--password", PASSWORD, "--role", "expert", "--name", EXPERT.name);
  species = await thirdMostRecorded(request);
});

/** Other specs vet the two most-recorded species; this one keeps to the third. */
async function thirdMostRecorded(request: APIRequestContext): Promise<SpeciesMatch> {
  const list = (await (await request.get("/api/species?q=&limit=3")).json()) as SpeciesMatch[];
  expect(list.length).toBe(3);
  return list[2];
}

const figure = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute(testId === "distribution-records" ? "data-count" : "data-km2"));

/** The distribution's rendered cells, from the map itself. */
const renderedCells = (page: Page) => page.evaluate(() => window.edgarMap!.queryRenderedFeatures({ layers: ["distribution-cells-fill"] }).length);

test("the distribution layer and figures follow a known-invalid vetting without a reload", async ({ page, request }) => {
  test.setTimeout(240_000);
  await page.goto(`/login?next=${encodeURIComponent(`/species/${species.id}`)}`);
  await signIn(page, EXPERT.email);
  await expect(page.getByTestId("species-panel")).toBeVisible();
  await occurrencesReady(page);

  // The worker built every species' products after the first sync.
  const panel = page.getByTestId("distribution-panel");
  await expect(panel).not.toHaveAttribute("data-built-at", "", { timeout: 60_000 });
  await expect(panel).toHaveAttribute("data-pending", "false", { timeout: 60_000 });
  await expect(panel).toContainText("not a Red List assessment");
  await expect(page.getByTestId("distribution-eoo")).toContainText("km²");

  await page.getByRole("checkbox", { name: "Distribution" }).check();
  await expect(page.getByRole("list", { name: "Distribution legend" })).toContainText("Range (alpha hull)");
  await expect.poll(() => renderedCells(page), { timeout: 30_000 }).toBeGreaterThan(0);

  const before = { eoo: await figure(page, "distribution-eoo"), aoo: await figure(page, "distribution-aoo"), records: await figure(page, "distribution-records") };
  expect(before.eoo).toBeGreaterThan(0);
  expect(before.aoo).toBeGreaterThan(0);
  const api = await (await request.get(`/api/species/${species.id}/distribution`)).json();
  expect(api).toMatchObject({ recordsUsed: before.records, eoo: { km2: before.eoo }, aoo: { km2: before.aoo, cellKm: 2 } });
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  // Everything east of the easternmost cluster's left neighbourhood: it holds the range's eastern edge.
  const box = (await page.getByTestId("map").boundingBox())!;
  const clusters = (await renderedOccurrences(page)).filter((f) => f.y > box.y + 130 && f.y < box.y + box.height - 70 && f.x > box.x + 380);
  expect(clusters.length, "clusters to vet").toBeGreaterThan(0);
  const east = Math.max(...clusters.map((c) => c.x));
  const [x0, x1, y0, y1] = [Math.max(box.x + 370, east - 100), box.x + box.width - 20, box.y + 120, box.y + box.height - 60];
  await page.getByRole("button", { name: "Vet an area" }).click();
  await expect(page.getByTestId("polygon-count")).toHaveText(/polygons? drawn/);
  for (const [x, y] of [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]] as const) await page.mouse.click(x, y);
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await page.getByRole("radio", { name: "known invalid", exact: true }).check();
  await page.getByLabel("Comment (optional)").fill("not this far east");
  await page.getByRole("button", { name: "Submit vetting" }).click();
  await expect(page.getByTestId("vetting-notice")).toContainText("Vetting saved");

  // Re-classified, rebuilt, and shown: all three shrink on the open page.
  await expect.poll(() => figure(page, "distribution-records"), { timeout: 60_000 }).toBeLessThan(before.records);
  await expect(panel).toHaveAttribute("data-pending", "false", { timeout: 60_000 });
  expect(await figure(page, "distribution-eoo")).toBeLessThan(before.eoo);
  expect(await figure(page, "distribution-aoo")).toBeLessThan(before.aoo);
  await expect(page.getByTestId("distribution-control")).not.toHaveAttribute("data-built-at", api.builtAt);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});
