import { expect, test } from "@playwright/test";
import { mostRecorded, occurrencesReady } from "./helpers";

/**
 * The README's screenshot (docs/screenshot.png): the most-recorded species over south-eastern
 * Australia with the panel open. Only when asked: `EDGAR_SCREENSHOT=docs/screenshot.png npx playwright test docs-screenshot`.
 */
test("screenshot of the species view for the docs", async ({ page, request }) => {
  const path = process.env.EDGAR_SCREENSHOT;
  test.skip(!path, "set EDGAR_SCREENSHOT to the file to write");
  const top = await mostRecorded(request);
  await page.goto(`/species/${top.id}?map=4.30/-31.0000/142.0000`);
  await occurrencesReady(page);
  await expect(page.getByTestId("year-chart")).toBeVisible();
  await page.screenshot({ path: path! });
});
