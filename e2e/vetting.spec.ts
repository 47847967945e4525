// Vetting on the map: drawing with terra-draw, recolouring without a reload, contentious overlaps,
// editing and deleting from the /vettings link, who sees the tools, and the API's geometry errors.
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { occurrencesReady, renderedOccurrences, type SpeciesMatch } from "./helpers";
import { signIn, userCli, PASSWORD } from "./users";

const EXPERT_A = { email: "vet-a@example.org", name: "Vetter Alice" };
const EXPERT_B = { email: "vet-b@example.org", name: "Vetter Bob" };
const RESEARCHER = "vet-researcher@example.org";

/** Half the side of the drawn squares, in pixels: terra-draw closes a polygon on a click within 40 px of its first or last corner. */
const R = 60;

let species: SpeciesMatch;
test.beforeAll(async ({ request }) => {
  for (const u of [EXPERT_A, EXPERT_B]) userCli("create", "--email", u.email, "--password", PASSWORD, "--role", "expert", "--name", u.name);
  userCli("create", "--email", RESEARCHER, "--password", PASSWORD, "--role", "researcher");
  species = await secondMostRecorded(request);
});

/** Not the most-recorded species, which other specs vet and photograph. */
async function secondMostRecorded(request: APIRequestContext): Promise<SpeciesMatch> {
  const res = await request.get("/api/species?q=&limit=2");
  expect(res.status()).toBe(200);
  const list = (await res.json()) as SpeciesMatch[];
  expect(list.length).toBe(2);
  return list[1];
}

/**
 * Each expert signs in once (per worker); later pages reuse the session. Every e2e sign-in comes
 * from 127.0.0.1, and better-auth lets one client sign in 30 times in a window that restarts only
 * after a minute without one, which a whole run of tests signing in again and again came to reach.
 */
const sessions = new Map<string, Awaited<ReturnType<BrowserContext["storageState"]>>>();

async function signedInPage(browser: Browser, email: string, path: string): Promise<Page> {
  const saved = sessions.get(email);
  const context = await browser.newContext(saved ? { storageState: saved } : {});
  const page = await context.newPage();
  if (saved) await page.goto(path);
  else {
    await page.goto(`/login?next=${encodeURIComponent(path)}`);
    await signIn(page, email);
  }
  await expect(page).toHaveURL(new RegExp(`/species/${species.id}(\\?|$)`));
  await expect(page.getByTestId("species-panel")).toBeVisible();
  await occurrencesReady(page);
  if (!saved) sessions.set(email, await context.storageState());
  return page;
}

interface Totals {
  knownInvalid: number;
  knownValid: number;
  contentious: number;
}

/** Records per category and contentious ones, summed over what the map draws now (from the tiles). */
async function drawnTotals(page: Page): Promise<Totals> {
  const totals: Totals = { knownInvalid: 0, knownValid: 0, contentious: 0 };
  for (const f of await renderedOccurrences(page)) {
    const p = f.properties;
    if (p.cluster) {
      totals.knownInvalid += Number(p.knownInvalid);
      totals.knownValid += Number(p.knownValid);
      totals.contentious += Number(p.contentious);
    } else {
      if (p.classification === "known_invalid") totals.knownInvalid++;
      if (p.classification === "known_valid") totals.knownValid++;
      if (p.contentious) totals.contentious++;
    }
  }
  return totals;
}

/** The biggest cluster clear of the map's edges and of the vetting panel (top left). */
async function targetCluster(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId("map").boundingBox())!;
  const clusters = (await renderedOccurrences(page)).filter(
    (f) => f.layer === "occurrence-clusters" && f.x > box.x + 360 + R && f.x < box.x + box.width - 3 * R && f.y > box.y + 2 * R && f.y < box.y + box.height - 2 * R,
  );
  expect(clusters.length, "a cluster to vet").toBeGreaterThan(0);
  clusters.sort((a, b) => Number(b.properties.count) - Number(a.properties.count));
  return { x: clusters[0].x, y: clusters[0].y };
}

/** Clicks a polygon's corners on the map, then closes it: a click on its first corner, or Enter on the (focused) map. */
async function drawPolygon(page: Page, corners: [number, number][], close: "click" | "enter" = "click") {
  await expect(page.getByTestId("polygon-count")).toHaveText(/polygons? drawn/);
  for (const [x, y] of corners) await page.mouse.click(x, y);
  if (close === "click") await page.mouse.click(...corners[0]);
  else await page.keyboard.press("Enter");
}

const square = ({ x, y }: { x: number; y: number }, dx = 0): [number, number][] => [
  [x - R + dx, y - R],
  [x + R + dx, y - R],
  [x + R + dx, y + R],
  [x - R + dx, y + R],
];

async function vet(page: Page, corners: [number, number][], classification: "known valid" | "known invalid", comment: string) {
  await page.getByRole("button", { name: "Vet an area" }).click();
  await drawPolygon(page, corners);
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await page.getByRole("radio", { name: classification, exact: true }).check();
  await page.getByLabel("Comment (optional)").fill(comment);
  await page.getByRole("button", { name: "Submit vetting" }).click();
  await expect(page.getByTestId("vetting-notice")).toContainText("Vetting saved");
}

test("experts vet areas on the map; the clusters recolour without a reload; overlaps are contentious; deleting restores", async ({ browser, request }) => {
  test.setTimeout(240_000);
  const alice = await signedInPage(browser, EXPERT_A.email, `/species/${species.id}`);
  expect(await drawnTotals(alice)).toEqual({ knownInvalid: 0, knownValid: 0, contentious: 0 });
  const legendKnownInvalid = alice.getByTestId("legend").locator('[data-category="known_invalid"]').getByTestId("legend-count");
  await expect(legendKnownInvalid).toHaveText("0");
  // Survives only as long as the page is not reloaded.
  await alice.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const tilesBefore = await alice.getByTestId("species-map").getAttribute("data-tiles-url");

  const target = await targetCluster(alice);
  await vet(alice, square(target), "known invalid", "cage escapes");

  const list = alice.getByTestId("vetting-list");
  await expect(list.getByTestId("vetting-item")).toHaveCount(1);
  await expect(list.getByTestId("vetting-item")).toHaveAttribute("data-mine", "true");
  const [mine] = (await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as { id: number; area: GeoJSON.Polygon; author: { name: string } }[];
  expect(mine.author.name).toBe(EXPERT_A.name);
  expect(mine.area.type).toBe("Polygon");

  // The re-classification job bumps the data version; the page's poll re-points the tiles.
  await expect(alice.getByTestId("species-map")).not.toHaveAttribute("data-tiles-url", tilesBefore!, { timeout: 30_000 });
  await expect.poll(async () => (await drawnTotals(alice)).knownInvalid, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(legendKnownInvalid).not.toHaveText("0");
  expect(await alice.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  // The change has been applied, so the panel no longer says it is being applied, nor the notice.
  await expect(alice.getByTestId("reclassifying")).toBeHidden();
  await expect(alice.getByTestId("vetting-notice")).toHaveText("Vetting saved, and the map shows it.");

  // Hovering the area names who vetted it, and when.
  await alice.mouse.move(target.x - R / 2, target.y - R / 2);
  await alice.mouse.move(target.x - R / 2 + 2, target.y - R / 2 + 2);
  await expect(alice.getByTestId("vetting-tooltip")).toContainText(`Known invalid — ${EXPERT_A.name} (you)`);

  // A second expert disagrees about an overlapping area.
  const bob = await signedInPage(browser, EXPERT_B.email, `/species/${species.id}${new URL(alice.url()).search}`);
  await expect(bob.getByTestId("vetting-item")).toHaveAttribute("data-mine", "false");
  await vet(bob, square(target, R), "known valid", "seen breeding here");
  await expect.poll(async () => (await drawnTotals(bob)).contentious, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(bob.getByTestId("contentious-count")).not.toHaveText("0");
  await expect.poll(async () => (await drawnTotals(alice)).contentious, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(alice.getByTestId("vetting-item")).toHaveCount(2);

  // Bob rewords his comment: no category changes, yet Alice's open page shows the new words within
  // seconds (the species' vettingsVersion moves; its dataVersion does not).
  await bob.getByTestId("vetting-list").getByRole("button", { name: /^Edit the known valid vetting/ }).click();
  const bobForm = bob.getByTestId("vetting-form");
  await bobForm.getByLabel("Comment (optional)").fill("a breeding pair, seen twice");
  await bobForm.getByRole("button", { name: "Save changes" }).click();
  await expect(bob.getByTestId("vetting-notice")).toContainText("Vetting saved");
  await expect(alice.getByTestId("vetting-list")).toContainText("a breeding pair, seen twice", { timeout: 15_000 });

  // Alice follows her /vettings "Edit area" link: the map opens her vetting for editing.
  await alice.goto("/vettings");
  await alice.getByRole("row").filter({ hasText: species.scientificName }).getByRole("link", { name: /Edit the area/ }).click();
  await expect(alice).toHaveURL(new RegExp(`/species/${species.id}\\?vetting=${mine.id}$`));
  const form = alice.getByTestId("vetting-form");
  await expect(form.getByRole("heading", { name: `Edit vetting ${mine.id}` })).toBeVisible();
  await expect(form.getByRole("radio", { name: "known invalid", exact: true })).toBeChecked();
  await expect(form.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await form.getByLabel("Comment (optional)").fill("escaped from an aviary");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(alice.getByTestId("vetting-notice")).toContainText("Vetting saved");
  await expect(alice).not.toHaveURL(/vetting=/);
  const patched = await (await request.get(`/api/vettings/${mine.id}`)).json();
  expect(patched.comment).toBe("escaped from an aviary");
  expect(patched.area).toEqual(mine.area);

  // …and deletes it from the panel's list, with confirmation: her colours go, the dispute with them.
  await occurrencesReady(alice);
  await alice.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await expect.poll(async () => (await drawnTotals(alice)).knownInvalid, { timeout: 30_000 }).toBeGreaterThan(0);
  await alice.getByTestId("vetting-list").getByRole("button", { name: /^Edit the known invalid vetting/ }).click();
  await expect(form.getByRole("heading", { name: `Edit vetting ${mine.id}` })).toBeVisible();
  await form.getByRole("button", { name: "Delete…" }).click();
  await expect(form.getByRole("button", { name: "Delete", exact: true })).toBeFocused();
  await form.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(alice.getByTestId("vetting-notice")).toContainText("Vetting deleted");
  await expect(alice.getByTestId("vetting-item")).toHaveCount(1);
  await expect.poll(async () => drawnTotals(alice), { timeout: 30_000 }).toMatchObject({ knownInvalid: 0, contentious: 0 });
  expect((await drawnTotals(alice)).knownValid).toBeGreaterThan(0);
  await expect(alice.getByTestId("contentious-count")).toHaveText("0");
  expect(await alice.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // Bob's vetting stays, and so does his page's view of it, recoloured without a reload.
  await expect.poll(async () => drawnTotals(bob), { timeout: 30_000 }).toMatchObject({ knownInvalid: 0, contentious: 0 });
  await bob.context().close();
  await alice.context().close();
});

test("researchers and anonymous visitors see the vettings but get no drawing tools", async ({ page, request }) => {
  const existing = (await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as { id: number }[];
  await page.goto(`/species/${species.id}`);
  await expect(page.getByTestId("vetting-list")).toHaveAttribute("data-count", String(existing.length));
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Vet an area" })).toHaveCount(0);

  await page.goto(`/login?next=/species/${species.id}`);
  await signIn(page, RESEARCHER);
  await expect(page.getByRole("button", { name: /account menu/ })).toBeVisible();
  await expect(page.getByTestId("species-panel")).toBeVisible();
  await expect(page.getByRole("button", { name: "Vet an area" })).toHaveCount(0);
  await expect(page.getByTestId("vetting-controls")).toHaveCount(0);
  await expect(page.getByTestId("vetting-list").getByRole("button", { name: /^Edit/ })).toHaveCount(0);
});

test("a self-intersecting polygon is refused with the API's message, and nothing is stored", async ({ browser, request }) => {
  const page = await signedInPage(browser, EXPERT_A.email, `/species/${species.id}`);
  const before = ((await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as unknown[]).length;
  const { x, y } = await targetCluster(page);
  await page.getByRole("button", { name: "Vet an area" }).click();
  // A bow-tie: the second and fourth edges cross.
  await drawPolygon(page, [
    [x - R, y - R],
    [x + R, y - R],
    [x - R, y + R],
    [x + R, y + R],
  ], "enter");
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await page.getByRole("radio", { name: "known invalid", exact: true }).check();
  await page.getByRole("button", { name: "Submit vetting" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not saved" })).toContainText(/intersects itself/);
  // The drawing stays for the expert to fix.
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  expect(((await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as unknown[]).length).toBe(before);
  // Clearing it takes the complaint about it away too.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "0");
  await expect(page.getByTestId("vetting-error")).toHaveCount(0);

  // Typed corners are checked at "Add polygon": a crossing one and a tiny one are told at once, and not added.
  await page.getByText("Type the corners instead").click();
  const corners = page.getByLabel(/One corner per line/);
  const addPolygon = page.getByRole("button", { name: "Add polygon" });
  await corners.fill("140 -30\n142 -28\n142 -30\n140 -28");
  await addPolygon.click();
  await expect(page.getByTestId("vetting-error")).toContainText("This polygon cannot be a vetting area: polygon intersects itself at (141, -29).");
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "0");
  await corners.fill("140 -30\n140.000001 -30\n140 -29.999999");
  await addPolygon.click();
  await expect(page.getByTestId("vetting-error")).toContainText(/outer ring is too small: it covers 0\.0054 m²; the minimum is 1 m²/);
  await expect(page.getByTestId("vetting-error")).not.toContainText("one line");
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "0");
  // A good polygon is added, and the stale complaint goes.
  await corners.fill("155 -45\n156 -45\n156 -44");
  await addPolygon.click();
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await expect(page.getByTestId("vetting-error")).toHaveCount(0);
  await page.context().close();
});

test("while a polygon is drawn the panel folds to its title bar, so the map beneath takes corners; the keyboard folds and opens it too", async ({ browser }) => {
  const page = await signedInPage(browser, EXPERT_B.email, `/species/${species.id}`);
  await page.getByRole("button", { name: "Vet an area" }).click();
  const form = page.getByTestId("vetting-form");
  const toggle = form.getByRole("button", { name: /the panel$/ });
  await expect(form.getByTestId("polygon-count")).toHaveText("0 polygons drawn");
  const open = (await form.boundingBox())!;
  const map = (await page.getByTestId("map").boundingBox())!;
  // The last two corners lie where the open panel was.
  const corners: [number, number][] = [
    [open.x + open.width + 80, open.y + 40],
    [open.x + open.width + 80, open.y + open.height - 20],
    [open.x + 40, open.y + open.height - 20],
    [open.x + 40, open.y + 120],
  ];
  expect(corners[2][0]).toBeGreaterThan(map.x);
  await page.mouse.click(...corners[0]);
  await expect(form).toHaveAttribute("data-folded", "true");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(form.getByRole("radio", { name: "known valid", exact: true })).toBeHidden();
  const folded = (await form.boundingBox())!;
  expect(folded.width).toBeLessThan(open.width);
  expect(folded.y + folded.height).toBeLessThan(corners[3][1]);
  for (const corner of corners.slice(1)) await page.mouse.click(...corner);
  await page.keyboard.press("Enter");
  // The corners inside the open panel's place reached the map: one polygon, and the panel opens again.
  await expect(form.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await expect(form).toHaveAttribute("data-folded", "false");
  await expect(form.getByRole("radio", { name: "known valid", exact: true })).toBeVisible();

  // By keyboard: fold, then open, keeping what was chosen.
  await form.getByRole("radio", { name: "known valid", exact: true }).check();
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(toggle).toHaveText("Show the panel");
  await expect(form.getByRole("button", { name: "Submit vetting" })).toBeHidden();
  await expect(toggle).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(form.getByRole("radio", { name: "known valid", exact: true })).toBeChecked();
  await form.getByRole("button", { name: "Cancel" }).click();
  await page.context().close();
});

test("the keyboard alone can vet: corners typed as text, a bad line explained, the vetting stored", async ({ browser, request }) => {
  const page = await signedInPage(browser, EXPERT_B.email, `/species/${species.id}`);
  const press = async (target: Locator, key = "Enter") => {
    await target.focus();
    await page.keyboard.press(key);
  };
  const addPolygon = page.getByRole("button", { name: "Add polygon" });
  await press(page.getByRole("button", { name: "Vet an area" }));
  await press(page.getByText("Type the corners instead"));
  // Out at sea (no records there), so the other tests' counts stay as they are.
  await page.getByLabel(/One corner per line/).focus();
  await page.keyboard.type("155 -45\n156 -45\nnorth\n");
  await press(addPolygon);
  await expect(page.getByTestId("vetting-error")).toContainText('Line 3 ("north") is not "longitude latitude"');
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "0");

  await page.getByLabel(/One corner per line/).focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("155 -45\n156 -45\n156 -44\n155 -44");
  await press(addPolygon);
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await expect(page.getByTestId("vetting-error")).toHaveCount(0);
  await press(page.getByRole("radio", { name: "known valid", exact: true }), "Space");
  await page.getByLabel("Comment (optional)").focus();
  await page.keyboard.type("typed, not drawn");
  await press(page.getByRole("button", { name: "Submit vetting" }));
  // The area covers none of the species' records: asked first, with the count, then allowed.
  const warning = page.getByTestId("vetting-warning");
  await expect(warning).toContainText(`This area covers 0 of this species' ${species.occurrenceCount.toLocaleString("en-AU")} records`);
  await expect(page.getByTestId("vetting-notice")).toHaveCount(0);
  await press(warning.getByRole("button", { name: "Submit anyway" }));
  await expect(page.getByTestId("vetting-notice")).toContainText("Vetting saved");

  const list = (await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as { comment: string; classification: string; area: unknown; author: { name: string } }[];
  const typed = list.find((v) => v.comment === "typed, not drawn");
  expect(typed).toMatchObject({
    classification: "known_valid",
    author: { name: EXPERT_B.name },
    area: { type: "Polygon", coordinates: [[[155, -45], [156, -45], [156, -44], [155, -44], [155, -45]]] },
  });
  await page.context().close();
});

test("an area with holes is opened for its classification and comment only; other experts' vettings are not theirs to edit", async ({ browser, request }) => {
  const key = userCli("apikey", "--email", EXPERT_A.email, "--name", "holes");
  const ring = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
  const area = { type: "Polygon", coordinates: [ring(140, -36, 146, -30), ring(142, -34, 144, -32)] };
  const created = await request.post("/api/vettings", {
    headers: { authorization: `Bearer ${key}` },
    data: { speciesId: species.id, classification: "known_invalid", area, comment: "a ring of escapes" },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: number };

  const bob = await signedInPage(browser, EXPERT_B.email, `/species/${species.id}?vetting=${id}`);
  await expect(bob.getByTestId("vetting-notice")).toContainText(`Vetting ${id} is ${EXPERT_A.name}'s`);
  await expect(bob.getByTestId("vetting-form")).toHaveCount(0);
  await expect(bob).not.toHaveURL(/vetting=/);
  await bob.context().close();

  const alice = await signedInPage(browser, EXPERT_A.email, `/species/${species.id}?vetting=${id}`);
  const form = alice.getByTestId("vetting-form");
  await expect(form).toContainText("This area has holes");
  await expect(form.getByRole("button", { name: "Draw polygon" })).toHaveCount(0);
  await form.getByRole("radio", { name: "known valid", exact: true }).check();
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(alice.getByTestId("vetting-notice")).toContainText("Vetting saved");
  const saved = await (await request.get(`/api/vettings/${id}`)).json();
  // Stored in RFC 7946's winding: the hole, sent counter-clockwise, comes back clockwise.
  const rewound = { type: "Polygon", coordinates: [area.coordinates[0], [...area.coordinates[1]].reverse()] };
  expect(saved).toMatchObject({ classification: "known_valid", comment: "a ring of escapes", area: rewound });
  expect((await request.delete(`/api/vettings/${id}`, { headers: { authorization: `Bearer ${key}` } })).status()).toBe(204);
  await alice.context().close();
});

test("a loose box around Australia (110–155° E, 45–10° S, about 17 M km²) is accepted as one vetting, and applied", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const page = await signedInPage(browser, EXPERT_A.email, `/species/${species.id}`);
  await page.getByRole("button", { name: "Vet an area" }).click();
  await page.getByText("Type the corners instead").click();
  await page.getByLabel(/One corner per line/).fill("110 -45\n155 -45\n155 -10\n110 -10");
  await page.getByRole("button", { name: "Add polygon" }).click();
  await expect(page.getByTestId("polygon-count")).toHaveAttribute("data-count", "1");
  await page.getByRole("radio", { name: "known valid", exact: true }).check();
  await page.getByLabel("Comment (optional)").fill("all of Australia");
  await page.getByRole("button", { name: "Submit vetting" }).click();
  // It covers the species' records, so no warning: saved, then applied.
  await expect(page.getByTestId("vetting-notice")).toContainText("Vetting saved");
  await expect(page.getByTestId("vetting-warning")).toHaveCount(0);
  await expect(page.getByTestId("vetting-notice")).toHaveText("Vetting saved, and the map shows it.", { timeout: 30_000 });
  await expect(page.getByTestId("legend").locator('[data-category="known_valid"]').getByTestId("legend-count")).not.toHaveText("0");

  const list = (await (await request.get(`/api/vettings?speciesId=${species.id}`)).json()) as { id: number; comment: string; area: unknown }[];
  const whole = list.find((v) => v.comment === "all of Australia")!;
  expect(whole.area).toEqual({ type: "Polygon", coordinates: [[[110, -45], [155, -45], [155, -10], [110, -10], [110, -45]]] });
  // Taken away again, for whatever runs next on this species.
  const key = userCli("apikey", "--email", EXPERT_A.email, "--name", "australia");
  expect((await request.delete(`/api/vettings/${whole.id}`, { headers: { authorization: `Bearer ${key}` } })).status()).toBe(204);
  await page.context().close();
});
