// Live updates (docs/events.md): a vetting made in one browser recolours the map and draws the new
// outline in another, already open, without a reload and without polling; with the event stream
// refused the page falls back to polling; the admin stream and the per-client cap refuse.
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { occurrencesReady, renderedOccurrences, type SpeciesMatch } from "./helpers";
import { PASSWORD, signIn, userCli } from "./users";

const EXPERT = "live-expert@example.org";
const RESEARCHER = "live-researcher@example.org";
/** Loose box around Australia: every record of the species is inside (docs/vetting.md). */
const AUSTRALIA = { type: "Polygon", coordinates: [[[110, -45], [155, -45], [155, -10], [110, -10], [110, -45]]] };

let species: SpeciesMatch;
test.beforeAll(async ({ request }) => {
  userCli("create", "--email", EXPERT, "--password", PASSWORD, "--role", "expert");
  userCli("create", "--email", RESEARCHER, "--password", PASSWORD, "--role", "researcher");
  // Neither of the two most-recorded species, which other specs vet.
  const list = (await (await request.get("/api/species?q=&limit=4")).json()) as SpeciesMatch[];
  species = list[3];
});

async function expertPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/login?next=${encodeURIComponent(`/species/${species.id}`)}`);
  await signIn(page, EXPERT);
  await expect(page.getByTestId("species-panel")).toBeVisible();
  return page;
}

/** A second browser (another context: its own cookies and connections), anonymous, on the species. */
async function watcher(browser: Browser, { blockEvents = false } = {}) {
  const context = await browser.newContext();
  // Every stream this page opens is refused, as by a proxy that does not pass them: its address
  // gets a parameter the server refuses (400). A Playwright route would do it too, but routing
  // sends every request of the context (tiles, basemap) through the test process, which on a
  // loaded machine delays the map by tens of seconds.
  if (blockEvents) {
    await context.addInitScript(() => {
      const Real = window.EventSource;
      window.EventSource = class extends Real {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(`${url}&blocked=1`, init);
        }
      };
    });
  }
  const page = await context.newPage();
  const speciesAsks: number[] = [];
  const tiles: { at: number; url: string }[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === `/api/species/${species.id}`) speciesAsks.push(Date.now());
    if (url.pathname.startsWith(`/api/tiles/${species.id}/`)) tiles.push({ at: Date.now(), url: r.url() });
  });
  await page.goto(`/species/${species.id}`);
  await occurrencesReady(page);
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  return { page, speciesAsks, tiles };
}

/** Vets through the expert's page (its session, same origin), as the vetting panel does. */
async function vet(page: Page, classification: "known_valid" | "known_invalid"): Promise<{ id: number; at: number }> {
  const at = Date.now();
  const answer = await page.evaluate(
    async (body) => {
      const r = await fetch("/api/vettings", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    },
    { speciesId: species.id, classification, area: AUSTRALIA, comment: "live e2e" },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { id: answer.body.id, at };
}

async function remove(page: Page, id: number) {
  const status = await page.evaluate(async (id) => (await fetch(`/api/vettings/${id}`, { method: "DELETE" })).status, id);
  expect(status).toBe(204);
}

const knownInvalidDrawn = async (page: Page) =>
  (await renderedOccurrences(page)).reduce((n, f) => n + (f.properties.cluster ? Number(f.properties.knownInvalid) : f.properties.classification === "known_invalid" ? 1 : 0), 0);
const outlinesDrawn = (page: Page) => page.evaluate(() => window.edgarMap!.queryRenderedFeatures({ layers: ["vetting-areas"] }).length);
const versionOf = (url: string) => Number(new URL(url).searchParams.get("v"));

test("a vetting in one browser recolours the other's map and draws its outline, pushed, without a reload or polling", async ({ browser }) => {
  test.setTimeout(180_000);
  const expert = await expertPage(browser);
  const other = await watcher(browser);
  expect(await knownInvalidDrawn(other.page)).toBe(0);
  const versionBefore = Math.max(...other.tiles.map((t) => versionOf(t.url)));

  // Idle and live: the page does not poll the species (it did every 5 s).
  const asksBefore = other.speciesAsks.length;
  await other.page.waitForTimeout(6_000);
  expect(other.speciesAsks.length, "no polling while the event stream is open").toBe(asksBefore);

  const vetting = await vet(expert, "known_invalid");
  await expect.poll(() => knownInvalidDrawn(other.page), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => outlinesDrawn(other.page)).toBeGreaterThan(0);
  await expect(other.page.getByTestId("vetting-list").getByTestId("vetting-item")).toHaveCount(1);
  expect(await other.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  const firstNew = other.tiles.find((t) => versionOf(t.url) > versionBefore)!;
  const asked = other.speciesAsks.filter((t) => t >= vetting.at).map((t) => t - vetting.at);
  console.info(
    `live: submit (at ${vetting.at}) → first tile of the new version on the other page: ${firstNew.at - vetting.at} ms; the other page asked the species at +${asked.join(", +")} ms (under e2e load)`,
  );

  // Deleted in one, gone in the other.
  await remove(expert, vetting.id);
  await expect.poll(() => knownInvalidDrawn(other.page), { timeout: 30_000 }).toBe(0);
  await expect(other.page.getByTestId("vetting-list").getByTestId("vetting-item")).toHaveCount(0);
  await expert.context().close();
  await other.page.context().close();
});

test("with the event stream refused, the page polls and still recolours", async ({ browser }) => {
  test.setTimeout(180_000);
  const expert = await expertPage(browser);
  const other = await watcher(browser, { blockEvents: true });
  const asksBefore = other.speciesAsks.length;
  await other.page.waitForTimeout(6_000);
  expect(other.speciesAsks.length, "polls the species while it has no stream").toBeGreaterThan(asksBefore);

  const vetting = await vet(expert, "known_invalid");
  await expect.poll(() => knownInvalidDrawn(other.page), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(other.page.getByTestId("vetting-list").getByTestId("vetting-item")).toHaveCount(1);
  await remove(expert, vetting.id);
  await expect.poll(() => knownInvalidDrawn(other.page), { timeout: 30_000 }).toBe(0);
  await expert.context().close();
  await other.page.context().close();
});

async function status(request: APIRequestContext, path: string, headers: Record<string, string> = {}) {
  // Refusals are short JSON answers; a 200 would be a stream that never ends, so it is not read.
  const r = await request.fetch(path, { headers, timeout: 10_000, maxRedirects: 0 });
  return { status: r.status(), body: await r.json() };
}

test("the admin stream refuses anonymous and researcher callers; one client over its cap is told 429", async ({ browser, request, baseURL }) => {
  expect(await status(request, "/api/events?admin=sync")).toMatchObject({ status: 401, body: { error: "unauthenticated" } });
  const page = await (await browser.newContext()).newPage();
  await page.goto("/login");
  await signIn(page, RESEARCHER);
  await expect(page).not.toHaveURL(/\/login/);
  expect(await page.evaluate(async () => (await fetch("/api/events?admin=sync")).status)).toBe(403);
  await page.context().close();

  // Streams from this process (one client address): opened until refused, then one freed is enough.
  const open: AbortController[] = [];
  let refused: Response | undefined;
  try {
    for (let i = 0; i < 64 && !refused; i++) {
      const controller = new AbortController();
      const r = await fetch(`${baseURL}/api/events?species=${species.id}`, { signal: controller.signal });
      if (r.status === 200) open.push(controller);
      else refused = r;
    }
    expect(refused?.status).toBe(429);
    expect(await refused!.json()).toMatchObject({ error: "too_many_streams" });
    open.pop()!.abort();
    await expect
      .poll(async () => {
        const controller = new AbortController();
        const r = await fetch(`${baseURL}/api/events?species=${species.id}`, { signal: controller.signal });
        controller.abort();
        return r.status;
      })
      .toBe(200);
  } finally {
    for (const c of open) c.abort();
  }
});
