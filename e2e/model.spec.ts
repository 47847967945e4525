// Suitability models in the demo: a species opened gets a model fitted offline on the simulator's
// climate, the panel shows its evaluation, the map shows it, the scenario slider swaps the tiles,
// and both downloads work.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { occurrencesReady, type SpeciesMatch } from "./helpers";

/**
 * A species no other spec vets: the sixth most recorded (the first to fifth are vetted by
 * accounts/vetting, distribution, live and range-imports; a vetting of the whole area leaves a
 * species no record to model).
 */
async function sixthMostRecorded(request: APIRequestContext): Promise<SpeciesMatch> {
  const list = (await (await request.get("/api/species?q=&limit=6")).json()) as SpeciesMatch[];
  expect(list.length).toBe(6);
  return list[5];
}

test("a species gets a current and a future model, shown with the year slider, and downloads", async ({ page, request }) => {
  test.setTimeout(300_000);
  const species = await sixthMostRecorded(request);
  await page.goto(`/species/${species.id}`);
  await occurrencesReady(page);

  // Opening the species queued its model; the worker fits it on the simulated climate.
  const panel = page.getByTestId("model-panel");
  await expect(panel).toHaveAttribute("data-status", "ready", { timeout: 240_000 });
  await expect(page.getByTestId("model-evaluation")).toContainText("Training AUC");
  const answer = await (await request.get(`/api/distributions/${species.id}/model`)).json();
  expect(answer.scenarios.map((s: { scenario: string; year: number | null }) => `${s.scenario} ${s.year ?? ""}`.trim())).toEqual(["current", "SSP2-4.5 2050", "SSP2-4.5 2070"]);
  expect(answer.evaluation.trainingAuc).toBeGreaterThan(0.5);

  const tiles: string[] = [];
  page.on("response", (r) => {
    if (/\/model\/\d+\/\d+\/\d+\/\d+\.png/.test(r.url()) && r.status() === 200) tiles.push(r.url());
  });
  await page.getByRole("checkbox", { name: "Suitability model" }).check();
  const control = page.getByTestId("model-control");
  await expect(page.getByTestId("model-year")).toHaveText("Now");
  const now = answer.scenarios[0].id;
  await expect.poll(() => tiles.some((u) => u.includes(`/model/${now}/`)), { timeout: 30_000 }).toBe(true);

  // The slider by keyboard: the 2050 set's tiles are asked for and shown.
  await page.getByRole("slider", { name: "Year" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("model-year")).toHaveText("2050");
  const y2050 = answer.scenarios[1].id;
  await expect(control).toHaveAttribute("data-step", String(y2050));
  await expect.poll(() => tiles.some((u) => u.includes(`/model/${y2050}/`)), { timeout: 30_000 }).toBe(true);
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();

  const json = await request.get(`/api/distributions/${species.id}/model?download=1`);
  expect(json.headers()["content-disposition"]).toContain("attachment");
  expect((await json.json()).model.variables).toEqual(["bio1", "bio4", "bio5", "bio12", "bio15", "bio16", "bio17"]);
  const tif = await request.get(`/api/distributions/${species.id}/model/${y2050}/download`);
  expect(tif.headers()["content-type"]).toBe("image/tiff");
  // "II*\0" or "MM\0*": a TIFF.
  expect((await tif.body()).subarray(0, 2).toString("latin1")).toMatch(/^(II|MM)$/);
});
