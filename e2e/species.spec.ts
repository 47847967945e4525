import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { parseCsv } from "../lib/downloads/test-support";
import { colourShares, loneRecordWithImage, mapZoom, mostRecorded, occurrencesReady, renderedOccurrences, type SpeciesMatch } from "./helpers";

let top: SpeciesMatch;
test.beforeAll(async ({ request }) => {
  top = await mostRecorded(request);
});

const matchingCount = async (page: Page) => Number(await page.getByTestId("matching").getAttribute("data-count"));

async function openSpecies(page: Page, query = "") {
  await page.goto(`/species/${top.id}${query}`);
  await expect(page.getByTestId("species-panel")).toBeVisible();
  await occurrencesReady(page);
}

test("search by a later word of the common name, pick with the keyboard, see clusters in the legend's colours", async ({ page }) => {
  await page.goto("/");
  const words = top.commonName!.split(/[\s-]+/);
  const typed = words[words.length - 1].slice(0, 4);
  const box = page.getByRole("combobox", { name: /search species/i });
  await box.fill(typed);
  const options = page.getByRole("listbox", { name: "Matching species" }).getByRole("option");
  await expect(options.filter({ hasText: top.commonName! })).toHaveCount(1);
  const names = await options.allTextContents();
  const index = names.findIndex((n) => n.includes(top.commonName!));
  for (let i = 0; i <= index; i++) await box.press("ArrowDown");
  await expect(options.nth(index)).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveAttribute("aria-activedescendant", (await options.nth(index).getAttribute("id"))!);
  await box.press("Enter");

  await expect(page).toHaveURL(new RegExp(`/species/${top.id}(\\?|$)`));
  const panel = page.getByTestId("species-panel");
  await expect(panel.getByRole("heading", { name: top.commonName! })).toBeVisible();
  await expect(panel.getByTestId("total-count")).toHaveText(top.occurrenceCount.toLocaleString("en-AU"));
  await occurrencesReady(page);

  const rendered = await renderedOccurrences(page);
  expect(rendered.filter((f) => f.layer === "occurrence-clusters").length).toBeGreaterThan(0);

  // Every category the legend counts records in is drawn on the map in the legend's own colour.
  const legend = page.getByTestId("legend").getByRole("button");
  const colours: Record<string, string> = {};
  for (const button of await legend.all()) {
    const count = Number((await button.getByTestId("legend-count").textContent())!.replace(/\D/g, ""));
    if (count > 0) colours[(await button.getAttribute("data-category"))!] = (await button.getByTestId("legend-swatch").getAttribute("data-colour"))!;
  }
  expect(Object.keys(colours).length).toBeGreaterThanOrEqual(2);
  const totals = rendered.reduce<Record<string, number>>((t, f) => {
    const p = f.properties;
    if (p.cluster) for (const [key, c] of [["knownValid", "known_valid"], ["assumedValid", "assumed_valid"], ["assumedInvalid", "assumed_invalid"], ["knownInvalid", "known_invalid"]]) t[c] = (t[c] ?? 0) + Number(p[key]);
    else t[String(p.classification)] = (t[String(p.classification)] ?? 0) + 1;
    return t;
  }, {});
  const shares = await colourShares(page, await page.getByTestId("map").screenshot(), colours);
  // Other specs' vettings leave a category a few per cent of the records (151 of 4 466 in one run),
  // slivers of the clusters' rings too thin to count in pixels; a category holding a fair part of
  // the records must show.
  const all = Object.values(totals).reduce((a, b) => a + b, 0);
  const drawn = Object.entries(shares).filter(([category]) => (totals[category] ?? 0) >= all * 0.05);
  expect(drawn.length).toBeGreaterThanOrEqual(2);
  for (const [category, share] of drawn) expect(share, `${category} (${colours[category]}) drawn on the map`).toBeGreaterThan(0.0002);
});

test("clicking a cluster zooms to where it splits", async ({ page }) => {
  await openSpecies(page);
  const clusters = (await renderedOccurrences(page)).filter((f) => f.layer === "occurrence-clusters" && typeof f.properties.expansionZoom === "number");
  const cluster = clusters.sort((a, b) => Number(b.properties.count) - Number(a.properties.count))[0];
  const before = await mapZoom(page);
  await page.mouse.click(cluster.x, cluster.y);
  await expect.poll(() => mapZoom(page)).toBeGreaterThanOrEqual(Number(cluster.properties.expansionZoom) - 0.01);
  expect(await mapZoom(page)).toBeGreaterThan(before);
  await occurrencesReady(page);
  await expect(page).toHaveURL(/map=/);
});

test("a record's popup shows its image with creator and licence, the dataset's licence and provider, and a link to the ALA", async ({ page, request }) => {
  const record = await loneRecordWithImage(request, top.id);

  await openSpecies(page, `?map=18/${record.decimalLatitude}/${record.decimalLongitude}&duplicates=show`);
  const dot = (await renderedOccurrences(page)).find((f) => f.layer === "occurrence-records");
  expect(dot).toBeTruthy();
  await page.mouse.click(dot!.x, dot!.y);

  const details = page.getByTestId("occurrence-details");
  await expect(details).toBeVisible();
  await expect(details.getByRole("heading", { name: top.commonName! })).toBeVisible();
  await expect(details.getByTestId("image-licence")).toHaveText(/^Licence: CC/);
  await expect(details.getByTestId("occurrence-image").getByRole("img")).toHaveAttribute("alt", /^Photo of .+ by .+/);
  await expect(details.getByTestId("dataset-licence")).toHaveText(record.license);
  await expect(details).toContainText(record.dataProviderName);
  await expect(details).toContainText(record.datasetName.replace(/\s+/g, " ").trim().slice(0, 20));
  await expect(details.getByRole("link", { name: /view the record at the ala/i })).toHaveAttribute(
    "href",
    `https://biocache.ala.org.au/occurrences/${record.occurrenceID}`,
  );
});

test("changing filters changes the counts and the map; a reload restores the same view", async ({ page }) => {
  await openSpecies(page);
  const all = await matchingCount(page);
  expect(all).toBeGreaterThan(0);

  const legend = page.getByTestId("legend");
  const assumedInvalid = legend.getByRole("button", { name: /assumed invalid/i });
  const hidden = Number((await assumedInvalid.getByTestId("legend-count").textContent())!.replace(/\D/g, ""));
  expect(hidden).toBeGreaterThan(0);
  await assumedInvalid.click();
  await expect(assumedInvalid).toHaveAttribute("aria-pressed", "false");
  await expect.poll(() => matchingCount(page)).toBe(all - hidden);
  await expect(page).toHaveURL(/classifications=known_valid,assumed_valid,known_invalid/);
  await expect(page.getByTestId("species-map")).toHaveAttribute("data-tiles-url", /classifications=known_valid%2Cassumed_valid%2Cknown_invalid/);
  await occurrencesReady(page);
  for (const f of await renderedOccurrences(page)) {
    if (f.properties.cluster) expect(f.properties.assumedInvalid).toBe(0);
    else expect(f.properties.classification).not.toBe("assumed_invalid");
  }

  const beforeYears = await matchingCount(page);
  await page.getByRole("textbox", { name: "From year" }).fill("1990");
  await page.getByRole("textbox", { name: "To year" }).fill("2010");
  await page.getByRole("textbox", { name: "To year" }).press("Enter");
  await expect(page).toHaveURL(/years=1990-2010/);
  await expect.poll(() => matchingCount(page)).toBeLessThan(beforeYears);
  const filtered = await matchingCount(page);

  await page.evaluate(() => window.edgarMap!.jumpTo({ center: [147.25, -35.5], zoom: 6.25 }));
  await expect(page).toHaveURL(/map=6\.25\/-35\.5000\/147\.2500/);
  const url = page.url();

  await page.reload();
  await occurrencesReady(page);
  expect(page.url()).toBe(url);
  await expect(page.getByTestId("legend").getByRole("button", { name: /assumed invalid/i })).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByRole("textbox", { name: "From year" })).toHaveValue("1990");
  await expect(page.getByRole("textbox", { name: "To year" })).toHaveValue("2010");
  await expect.poll(() => matchingCount(page)).toBe(filtered);
  const view = await page.evaluate(() => ({ zoom: window.edgarMap!.getZoom(), ...window.edgarMap!.getCenter() }));
  expect(view.zoom).toBeCloseTo(6.25, 2);
  expect(view.lng).toBeCloseTo(147.25, 3);
  expect(view.lat).toBeCloseTo(-35.5, 3);
});

test("the CSV download holds exactly the records the panel counts", async ({ page }) => {
  await openSpecies(page, "?classifications=assumed_valid&duplicates=show");
  await expect.poll(() => matchingCount(page)).toBeGreaterThan(0);
  const count = await matchingCount(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /as CSV$/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/-occurrences-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = parseCsv(await fs.readFile((await download.path())!, "utf8"));
  expect(rows.length - 1).toBe(count);
  expect(rows.slice(1).every((r) => r[rows[0].indexOf("classification")] === "assumed_valid")).toBe(true);
});

test("an unknown species is a 404 with the friendly page, like a malformed id; the home page offers the most-recorded species", async ({ page }) => {
  for (const path of ["/species/987654", "/species/999999", "/species/abc"]) {
    const response = await page.goto(path);
    expect(response!.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Species not found" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the map" })).toBeVisible();
  }
  await page.goto("/");
  await page.getByTestId("species-intro").getByRole("button", { name: new RegExp(top.commonName!) }).click();
  await expect(page).toHaveURL(new RegExp(`/species/${top.id}$`));
  await occurrencesReady(page);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("search, the map full-screen, and the panel as a bottom sheet", async ({ page }) => {
    await page.goto("/");
    const box = page.getByRole("combobox", { name: /search species/i });
    await expect(box).toBeVisible();
    await box.fill(top.scientificName.slice(0, 6));
    await page.getByRole("option", { name: new RegExp(top.scientificName) }).tap();
    await occurrencesReady(page);
    const map = await page.getByTestId("map").boundingBox();
    expect(map!.width).toBeGreaterThanOrEqual(389);
    expect(map!.height).toBeGreaterThan(600);
    const toggle = page.getByRole("button", { name: /show details/i });
    await expect(page.getByTestId("species-panel")).toBeHidden();
    await toggle.tap();
    await expect(page.getByTestId("species-panel")).toBeVisible();
    await expect(page.getByTestId("total-count")).toHaveText(top.occurrenceCount.toLocaleString("en-AU"));
    await expect(page.getByRole("button", { name: /hide details/i })).toBeVisible();
    expect((await renderedOccurrences(page)).length).toBeGreaterThan(0);
  });
});
