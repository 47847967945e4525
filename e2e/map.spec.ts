import { expect, test } from "@playwright/test";

/** Counts pixels near a colour in a PNG screenshot decoded in the page itself. */
async function colourShares(page: import("@playwright/test").Page, png: Buffer, colours: Record<string, [number, number, number]>) {
  return page.evaluate(
    async ({ data, colours }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const { data: px } = ctx.getImageData(0, 0, img.width, img.height);
      const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
      for (let i = 0; i < px.length; i += 4) {
        for (const [name, [r, g, b]] of Object.entries(colours)) {
          if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 24) counts[name]++;
        }
      }
      const total = px.length / 4;
      return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / total]));
    },
    { data: png.toString("base64"), colours },
  );
}

test("the home page shows the offline basemap of Australia", async ({ page }) => {
  const failed: string[] = [];
  page.on("requestfailed", (r) => failed.push(r.url()));
  await page.goto("/");
  await expect(page.getByTestId("map")).toHaveAttribute("data-map-state", "idle", { timeout: 45_000 });
  const shot = await page.getByTestId("map").screenshot();
  const shares = await colourShares(page, shot, { sea: [0xb9, 0xd7, 0xea], land: [0xf4, 0xf1, 0xea] });
  // Both sea and land fill a real part of the view: the map is not blank.
  expect(shares.sea).toBeGreaterThan(0.1);
  expect(shares.land).toBeGreaterThan(0.1);
  // Nothing was requested from outside this server.
  expect(failed).toEqual([]);
});

test("health answers ok", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, db: "ok" });
});
