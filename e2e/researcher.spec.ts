// What a new researcher trips on (issues 20 and 24): search ranking and Enter, the record popup's
// attribution and image, an invalid year range, a quiet console, and the header on every page.
import { expect, test, type APIRequestContext, type ConsoleMessage, type Page } from "@playwright/test";
import { loneRecordWithImage, mostRecorded, occurrencesReady, renderedOccurrences, type SpeciesMatch } from "./helpers";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "e2e-researcher-admin@example.org";

test.beforeAll(() => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin");
});

const searchBox = (page: Page) => page.getByRole("combobox", { name: /search species/i });
const options = (page: Page) => page.getByRole("listbox", { name: "Matching species" }).getByRole("option");

async function apiSearch(request: APIRequestContext, q: string): Promise<SpeciesMatch[]> {
  const res = await request.get(`/api/species?q=${encodeURIComponent(q)}&limit=8`);
  expect(res.status()).toBe(200);
  return res.json();
}

/** 0 exact name, 1 the word whole in the name, 2 the name begins with it, 3 the rest. */
function tier(s: SpeciesMatch, q: string): number {
  const names = [s.commonName ?? "", s.scientificName].map((n) => n.toLowerCase());
  if (names.includes(q)) return 0;
  if (names.some((n) => n.split(/\s+/).includes(q))) return 1;
  if (names.some((n) => n.startsWith(q))) return 2;
  return 3;
}

/** Types the query and gives the common names the list shows, in order. */
async function shownNames(page: Page, q: string): Promise<string[]> {
  await searchBox(page).fill(q);
  const expected = await apiSearch(page.request, q);
  await expect(options(page)).toHaveCount(expected.length);
  await expect(options(page).first()).toContainText(expected[0].commonName ?? expected[0].scientificName);
  return options(page).evaluateAll((items) => items.map((li) => li.querySelector(".font-medium")?.textContent ?? ""));
}

test("search ranks the species people mean first: whole words, then most records, above compound names", async ({ page, request }) => {
  await page.goto("/");
  for (const q of ["magpie", "wren", "robin", "owl"]) {
    const matches = await apiSearch(request, q);
    expect(matches.length, q).toBeGreaterThan(1);
    // The list shows the API's order, which follows the tiers and, within one, the record counts.
    expect(await shownNames(page, q), q).toEqual(matches.map((m) => m.commonName ?? m.scientificName));
    for (let i = 1; i < matches.length; i++) {
      const [a, b] = [matches[i - 1], matches[i]];
      expect(tier(a, q), `${q}: ${a.commonName} before ${b.commonName}`).toBeLessThanOrEqual(tier(b, q));
      if (tier(a, q) === tier(b, q)) expect(a.occurrenceCount, `${q}: ${a.commonName} before ${b.commonName}`).toBeGreaterThanOrEqual(b.occurrenceCount);
    }
  }
  const names = async (q: string) => (await apiSearch(request, q)).map((m) => m.commonName);
  const magpie = await names("magpie");
  expect(magpie[0]).toBe("Australian Magpie");
  expect(magpie.indexOf("Magpie-lark")).toBeGreaterThan(magpie.indexOf("Australian Magpie"));
  // No simulator name has "wren" as a whole word: the fairywrens, compound names, come by records.
  const wren = await apiSearch(request, "wren");
  expect(wren.every((m) => /wren/i.test(m.commonName ?? ""))).toBe(true);
  expect(wren.map((m) => m.commonName)).toContain("Superb Fairywren");
  const robin = await names("robin");
  expect(robin[0]).toMatch(/ Robin$/);
  const firstCompound = robin.findIndex((n) => /-robin$/i.test(n ?? ""));
  if (firstCompound >= 0) expect(robin.slice(0, firstCompound).every((n) => / Robin$/.test(n ?? ""))).toBe(true);
  const owl = await names("owl");
  expect(owl[0]).toMatch(/ Owl$/);
  if (owl.includes("Australian Owlet-nightjar")) expect(owl.indexOf("Australian Owlet-nightjar")).toBeGreaterThan(owl.findLastIndex((n) => / Owl$/.test(n ?? "")));
});

test("Enter with nothing highlighted opens the first suggestion, even when typed before the list arrived", async ({ page, request }) => {
  const [first] = await apiSearch(request, "magpie");
  await page.goto("/");
  await searchBox(page).pressSequentially("magpie");
  await searchBox(page).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/species/${first.id}(\\?|$)`));
  await expect(page.getByTestId("species-panel").getByRole("heading", { name: first.commonName! })).toBeVisible();

  // And with the list shown and nothing highlighted.
  await searchBox(page).fill("owl");
  const [owl] = await apiSearch(request, "owl");
  await expect(options(page).first()).toContainText(owl.commonName!);
  await expect(options(page).first()).toHaveAttribute("aria-selected", "false");
  await searchBox(page).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/species/${owl.id}(\\?|$)`));
});

/** Opens the popup of a record of the species with a licensed image, alone at its position. */
async function openPhotoPopup(page: Page, top: SpeciesMatch) {
  const record = await loneRecordWithImage(page.request, top.id);
  await page.goto(`/species/${top.id}?map=18/${record.decimalLatitude}/${record.decimalLongitude}&duplicates=show`);
  await occurrencesReady(page);
  const dot = (await renderedOccurrences(page)).find((f) => f.layer === "occurrence-records");
  expect(dot).toBeTruthy();
  await page.mouse.click(dot!.x, dot!.y);
  const details = page.getByTestId("occurrence-details");
  await expect(details.getByTestId("image-licence")).toBeVisible();
  return details;
}

/** Whether the element lies wholly inside the popup's scrolling area as it is shown now. */
const inView = (page: Page, testId: string, selector: string) =>
  page.getByTestId(testId).evaluate((box, sel) => {
    const target = box.querySelector(sel)!.getBoundingClientRect();
    const area = box.getBoundingClientRect();
    return target.top >= area.top - 1 && target.bottom <= area.bottom + 1;
  }, selector);

test.describe("the record popup at 1400×900", () => {
  test.use({ viewport: { width: 1400, height: 900 } });

  test("shows the photo, its credit and licence and the link to the ALA without scrolling; the photo loads from the images service", async ({ page, request }) => {
    const top = await mostRecorded(request);
    const details = await openPhotoPopup(page, top);
    const img = details.getByTestId("occurrence-image").getByRole("img");
    // The thumbnail is built from the configured images service: it really loads.
    await expect(img).toHaveAttribute("src", /\/image\/[^/]+\/thumbnail$/);
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    for (const selector of ['[data-testid="occurrence-image"] figcaption', "a[href^='https://biocache.ala.org.au/']"]) {
      expect(await inView(page, "popup-scroll", selector), selector).toBe(true);
    }
    // Whatever does not fit is announced.
    const overflows = await page.getByTestId("popup-scroll").evaluate((el) => el.scrollHeight > el.clientHeight + 2);
    await expect(page.getByTestId("popup-more")).toHaveCount(overflows ? 1 : 0);
  });
});

test.describe("the record popup in a short window", () => {
  test.use({ viewport: { width: 1400, height: 640 } });

  test("keeps the attribution in view and says there is more below until it is scrolled to the end", async ({ page, request }) => {
    const top = await mostRecorded(request);
    await openPhotoPopup(page, top);
    expect(await inView(page, "popup-scroll", "a[href^='https://biocache.ala.org.au/']")).toBe(true);
    const more = page.getByTestId("popup-more");
    await expect(more).toBeInViewport();
    const lastRow = "dl > div:last-child";
    expect(await inView(page, "popup-scroll", lastRow)).toBe(false);
    const scrollTop = () => page.getByTestId("popup-scroll").evaluate((el) => el.scrollTop);
    // The smooth scroll has ended when two reads agree.
    let last = -1;
    const settled = async () => {
      const now = await scrollTop();
      const same = now === last;
      last = now;
      return same;
    };
    for (let i = 0; i < 5 && (await more.count()) > 0; i++) {
      const before = await scrollTop();
      await more.click();
      await expect.poll(async () => (await more.count()) === 0 || (await scrollTop()) > before).toBe(true);
      await expect.poll(settled).toBe(true);
    }
    await expect(more).toHaveCount(0);
    expect(await inView(page, "popup-scroll", lastRow)).toBe(true);
  });
});

test("an invalid year range is marked not applied and names the range the map and downloads still use", async ({ page, request }) => {
  const top = await mostRecorded(request);
  await page.goto(`/species/${top.id}?years=1990-2010`);
  await occurrencesReady(page);
  const matching = page.getByTestId("matching");
  const before = await matching.getAttribute("data-count");
  const from = page.getByLabel("From year");
  const to = page.getByLabel("To year");
  await from.fill("2030");
  await to.fill("1990");
  await to.press("Enter");
  const problem = page.getByTestId("year-range-problem");
  await expect(problem).toHaveText("The first year must not be after the last. Not applied: the map and downloads still show 1990–2010.");
  await expect(from).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/years=1990-2010/);
  expect(await matching.getAttribute("data-count")).toBe(before);
  await expect(page.getByRole("link", { name: /as CSV$/ })).toHaveAttribute("href", /years=1990-2010|yearFrom=1990/);

  // A valid range applies, and the note goes.
  await from.fill("2000");
  await to.fill("2005");
  await to.press("Enter");
  await expect(problem).toHaveCount(0);
  await expect(page).toHaveURL(/years=2000-2005/);
});

/** Console errors and warnings, and failed same-origin requests, while the page is used. */
function watchNoise(page: Page) {
  const noise: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    // Chromium's own notes about its software WebGL are not the page's.
    if ((m.type() === "error" || m.type() === "warning") && !/GL Driver Message|GPU stall|WebGL/i.test(m.text())) noise.push(`${m.type()}: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && new URL(r.url()).origin === new URL(page.url() || r.url()).origin) noise.push(`${r.status()} ${r.url()}`);
  });
  return noise;
}

test("anonymous pages log nothing: a favicon and icons, a recognised Permissions-Policy, /api/me as 200 { user: null }", async ({ page, request }) => {
  const top = await mostRecorded(request);
  const noise = watchNoise(page);
  for (const path of ["/", `/species/${top.id}`, "/login", "/vettings"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  expect(noise).toEqual([]);

  for (const icon of ["/favicon.ico", "/icon.svg", "/apple-touch-icon.png", "/icon-192.png", "/icon-512.png", "/manifest.webmanifest"]) {
    const res = await request.get(icon);
    expect([icon, res.status()]).toEqual([icon, 200]);
  }
  expect((await request.get("/favicon.ico")).headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  const me = await request.get("/api/me");
  expect([me.status(), await me.json()]).toEqual([200, { user: null }]);
  const policy = (await request.get("/")).headers()["permissions-policy"];
  expect(policy).toBe("camera=(), microphone=(), geolocation=(), payment=(), display-capture=(), midi=()");
});

test("every page has the same header with species search, the admin console included", async ({ page, request }) => {
  const top = await mostRecorded(request);
  await page.goto("/login?next=/admin");
  await signIn(page, ADMIN);
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
  for (const path of ["/admin", "/vettings", "/no-such-page", "/"]) {
    await page.goto(path);
    const header = page.getByRole("banner");
    await expect(header.getByRole("link", { name: /^Edgar/ }), path).toBeVisible();
    await expect(header.getByRole("combobox", { name: /search species/i }), path).toBeVisible();
    await expect(header.getByRole("button", { name: /account menu$/ }), path).toBeVisible();
  }
  // Searching from the admin console opens that species' map.
  await page.goto("/admin");
  await searchBox(page).fill(top.commonName!);
  await expect(options(page).first()).toContainText(top.commonName!);
  await searchBox(page).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/species/${top.id}(\\?|$)`));
  await occurrencesReady(page);
});
