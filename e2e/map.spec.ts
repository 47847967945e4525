import { expect, test } from "@playwright/test";
import { BASEMAP_COLOURS } from "../lib/basemap/style";
import { colourShares } from "./helpers";

test("the home page shows the offline basemap of Australia", async ({ page, baseURL }) => {
  // Requests to anywhere but this server (a prefetch the page cancels may fail; that is not it).
  const outside: string[] = [];
  page.on("request", (r) => {
    const { origin, protocol } = new URL(r.url());
    if (origin !== new URL(baseURL!).origin && protocol !== "data:" && protocol !== "blob:") outside.push(r.url());
  });
  await page.goto("/");
  await expect(page.getByTestId("map")).toHaveAttribute("data-map-state", "idle", { timeout: 45_000 });
  const shot = await page.getByTestId("map").screenshot();
  const shares = await colourShares(page, shot, { sea: BASEMAP_COLOURS.sea, land: BASEMAP_COLOURS.land });
  // Both sea and land fill a real part of the view: the map is not blank.
  expect(shares.sea).toBeGreaterThan(0.1);
  expect(shares.land).toBeGreaterThan(0.1);
  expect(outside).toEqual([]);
});

test("health answers ok", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, db: "ok" });
});
