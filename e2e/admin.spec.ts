// The admin console in Chromium against the demo system (web + worker + ALA simulator): syncs started
// from the page with live progress, history and count check, failures injected through the
// simulator's control API, the schedule, users and API keys; and nobody else gets in.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { SIMULATOR_URL } from "./simulator";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "e2e-admin@example.org";
const EXPERT = "e2e-admin-expert@example.org";
const RESEARCHER = "e2e-admin-researcher@example.org";

test.beforeAll(() => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "E2E Admin");
  userCli("create", "--email", EXPERT, "--password", PASSWORD, "--role", "expert");
  userCli("create", "--email", RESEARCHER, "--password", PASSWORD, "--role", "researcher");
});

const control = (request: APIRequestContext, method: "GET" | "POST" | "DELETE", path: string, data?: unknown) =>
  request.fetch(`${SIMULATOR_URL}/__control${path}`, { method, data });

test.afterEach(async ({ request }) => {
  await control(request, "DELETE", "/faults");
});

async function signInAsAdmin(page: Page) {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)admin$/);
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Start incremental sync" })).toBeEnabled();
}

interface Run {
  id: number;
  status: string;
  counts: { added: number; updated: number; deleted: number; skipped: number };
  remoteTotal: number | null;
  localTotal: number | null;
  error: string | null;
}

async function syncState(page: Page): Promise<{ current: Run | null; history: Run[] }> {
  const response = await page.request.get("/api/admin/sync");
  expect(response.status()).toBe(200);
  return response.json();
}

/** Starts an incremental sync from the page; returns its run id (whether still active or already finished). */
async function startIncremental(page: Page): Promise<number> {
  const newest = async () => {
    const { current, history } = await syncState(page);
    return current?.id ?? history[0]?.id ?? 0;
  };
  const before = await newest();
  await page.getByRole("button", { name: "Start incremental sync" }).click();
  await expect.poll(newest).toBeGreaterThan(before);
  return newest();
}

const historyRow = (page: Page, runId: number) => page.locator(`tr[data-run-id="${runId}"]`);

async function speciesCount(request: APIRequestContext, id: number): Promise<number> {
  return (await (await request.get(`/api/species/${id}`)).json()).occurrenceCount;
}

test("an admin starts a sync, watches it advance, and finds it in the history with the right counts", async ({ page, request }) => {
  test.setTimeout(120_000);
  // A change at the source: four stored records of a species deleted, 25 new ones added.
  const species = (await (await request.get("/api/species?q=&limit=5")).json())[4] as { id: number; guid: string };
  const before = await speciesCount(request, species.id);
  const download = await (await request.get(`/api/species/${species.id}/occurrences?format=geojson`)).json();
  const gone = download.features.slice(0, 4).map((f: { properties: { occurrenceID: string } }) => f.properties.occurrenceID);
  expect(gone).toHaveLength(4);
  expect((await control(request, "POST", "/records/delete", { uuids: gone })).status()).toBe(200);
  expect((await control(request, "POST", "/records/add", { count: 25, species: species.guid })).status()).toBe(200);

  await signInAsAdmin(page);
  const previous = (await syncState(page)).history[0];
  expect(previous.status).toBe("succeeded");

  // A full sync asks first; cancelling starts nothing.
  const full = page.getByRole("button", { name: "Start full sync…" });
  await full.click();
  await expect(page.getByRole("button", { name: "Start full sync", exact: true })).toBeFocused();
  await page.getByRole("group", { name: "Start full sync" }).getByRole("button", { name: "Cancel" }).click();
  await expect(full).toBeFocused();
  expect((await syncState(page)).current).toBeNull();

  // Every ALA answer a second late, so the run lasts long enough to watch.
  expect((await control(request, "POST", "/faults", { rules: [{ mode: "slow", rate: 1 }], delayMs: 1000 })).status()).toBe(200);
  const runId = await startIncremental(page);
  await expect(page.getByRole("button", { name: "Start incremental sync" })).toBeDisabled();
  await expect(full).toBeDisabled();

  const bar = page.getByRole("progressbar", { name: "Sync progress" });
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const [text, now] = await Promise.all([bar.getAttribute("aria-valuetext", { timeout: 1000 }), bar.getAttribute("aria-valuenow", { timeout: 1000 })]);
        seen.add(`${text} | ${now}`);
        return seen.size;
      },
      { timeout: 60_000, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(3);
  await control(request, "DELETE", "/faults");

  await expect(page.getByRole("status").filter({ hasText: `Sync #${runId} succeeded.` })).toBeAttached({ timeout: 60_000 });
  await expect(bar).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Start incremental sync" })).toBeEnabled();

  const after = await speciesCount(request, species.id);
  const run = (await syncState(page)).history[0];
  expect(run).toMatchObject({ id: runId, status: "succeeded", error: null });
  expect(run.counts.deleted).toBe(4);
  expect(run.counts.added).toBe(after - before + 4);
  expect(run.counts.added).toBeGreaterThan(0);
  expect(run.localTotal).toBe(run.remoteTotal);
  expect(run.localTotal! - previous.localTotal!).toBe(after - before);

  // The page shows the same numbers.
  const row = historyRow(page, runId);
  const cells = row.getByRole("cell");
  await expect(row.getByRole("rowheader")).toHaveText(`#${runId}`);
  const number = (n: number) => n.toLocaleString("en-AU");
  await expect(cells.nth(0)).toContainText("Incremental");
  await expect(cells.nth(3)).toHaveText(number(run.counts.added));
  await expect(cells.nth(4)).toHaveText(number(run.counts.updated));
  await expect(cells.nth(5)).toHaveText(number(run.counts.deleted));
  await expect(cells.nth(7)).toHaveText(number(run.remoteTotal!));
  await expect(cells.nth(8)).toHaveText(number(run.localTotal!));
  await expect(cells.nth(9)).toHaveText("Succeeded");

  // The count check is this run's: no species differs.
  const check = page.getByRole("region", { name: "Count check" });
  await expect(check).toContainText(`Run #${runId}`);
  await expect(check).toContainText(/Edgar.s: 0 differ/);
});

test("a run whose ALA requests keep failing shows as failed with its reason; the next one succeeds", async ({ page, request }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  // Every ALA request answers 500: the worker's retries (SYNC_RETRY_BASE_MS=200 in the demo) run out.
  expect((await control(request, "POST", "/faults", { rules: [{ mode: "500", rate: 1 }] })).status()).toBe(200);
  const failed = await startIncremental(page);
  await expect(page.getByRole("status").filter({ hasText: `Sync #${failed} failed:` })).toBeAttached({ timeout: 60_000 });
  await expect(historyRow(page, failed).getByRole("cell").nth(9)).toHaveText("Failed");
  const details = page.locator(`tr[data-run-details="${failed}"]`);
  await expect(details).toContainText(`Run #${failed} failed:`);
  await expect(details).toContainText("Failing request:");
  await expect(details).toContainText("HTTP 500");
  await expect(details.locator("code")).toContainText(SIMULATOR_URL);
  const run = (await syncState(page)).history[0];
  expect(run).toMatchObject({ id: failed, status: "failed", error: expect.stringContaining("500") });
  await expect(details).toContainText(run.error!);

  await control(request, "DELETE", "/faults");
  const next = await startIncremental(page);
  await expect(page.getByRole("status").filter({ hasText: `Sync #${next} succeeded.` })).toBeAttached({ timeout: 60_000 });
  await expect(historyRow(page, next).getByRole("cell").nth(9)).toHaveText("Succeeded");
  const [latest, earlier] = (await syncState(page)).history;
  expect([latest.id, latest.status, earlier.id, earlier.status]).toEqual([next, "succeeded", failed, "failed"]);
  expect(latest.localTotal).toBe(latest.remoteTotal);
});

test("the schedule, users and API keys are managed from the console, at desktop and narrow widths", async ({ page }) => {
  await signInAsAdmin(page);

  // Schedule: a wrong expression is explained and changes nothing; a right one is in force with its next run.
  const schedule = page.getByRole("region", { name: "Schedule" });
  const cron = schedule.getByLabel("Cron expression");
  await cron.fill("61 * * * *");
  await schedule.getByRole("button", { name: "Save schedule" }).click();
  await expect(schedule.getByRole("alert")).toContainText("not a valid cron expression");
  await expect(cron).toHaveAttribute("aria-invalid", "true");
  // The e2e system runs with SYNC_CRON="": no scheduled syncs until an admin sets one.
  expect(await (await page.request.get("/api/admin/schedule")).json()).toMatchObject({ cron: "", source: "env" });
  await cron.fill("30 2 * * *");
  await schedule.getByRole("button", { name: "Save schedule" }).click();
  await expect(schedule).toContainText("set by an admin");
  const saved = await (await page.request.get("/api/admin/schedule")).json();
  expect(saved).toMatchObject({ cron: "30 2 * * *", source: "admin" });
  expect(new Date(saved.nextRunAt).getUTCHours()).toBe(2);
  await expect(schedule.getByTestId("next-sync").locator("time")).toHaveAttribute("datetime", saved.nextRunAt);
  await schedule.getByRole("button", { name: "Use the default (off)" }).click();
  await expect(schedule).toContainText("Scheduled syncs are off (SYNC_CRON is empty)");
  expect(await (await page.request.get("/api/admin/schedule")).json()).toMatchObject({ cron: "", source: "env", nextRunAt: null });

  // Users: a role change and disable / enable (with confirmation).
  const users = page.getByRole("region", { name: "Users" });
  const role = users.getByLabel(`Role of ${RESEARCHER}`);
  await role.selectOption("expert");
  await expect(page.getByRole("status").filter({ hasText: `${RESEARCHER} is now expert.` })).toBeAttached();
  await role.selectOption("researcher");
  await expect(page.getByRole("status").filter({ hasText: `${RESEARCHER} is now researcher.` })).toBeAttached();
  const researcherRow = users.getByRole("row").filter({ hasText: RESEARCHER });
  await users.getByRole("button", { name: `Disable ${RESEARCHER}` }).click();
  await researcherRow.getByRole("button", { name: "Disable", exact: true }).click();
  await expect(researcherRow.getByRole("cell").nth(2)).toHaveText("Disabled");
  await users.getByRole("button", { name: `Enable ${RESEARCHER}` }).click();
  await expect(researcherRow.getByRole("cell").nth(2)).toHaveText("Enabled");
  // The last admin cannot step down.
  await users.getByLabel(`Role of ${ADMIN}`).selectOption("expert");
  await expect(users.getByRole("row").filter({ hasText: ADMIN }).getByRole("alert")).toContainText("only enabled admin");

  // API keys: shown once, work at once, revoked with confirmation.
  const keys = page.getByRole("region", { name: "API keys" });
  await keys.getByLabel("User").selectOption({ label: `${EXPERT} (expert)` });
  await keys.getByLabel("Key name").fill("e2e tool <script>");
  await keys.getByRole("button", { name: "Create key" }).click();
  const shown = keys.getByTestId("new-api-key");
  await expect(shown).toHaveText(/^edgar_[A-Za-z0-9_-]{43}$/);
  const key = (await shown.textContent())!;
  const me = await page.request.get("/api/me", { headers: { authorization: `Bearer ${key}` } });
  expect(await me.json()).toMatchObject({ email: EXPERT, role: "expert" });
  await keys.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(key)).toHaveCount(0);
  const keyRow = keys.getByRole("row").filter({ hasText: "e2e tool <script>" });
  await expect(keyRow).toContainText(key.slice(0, 12));
  await expect(keyRow).toContainText("Live");
  await keyRow.getByRole("button", { name: /^Revoke key/ }).click();
  await expect(keyRow.getByRole("button", { name: "Revoke", exact: true })).toBeFocused();
  await keyRow.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(keyRow).toContainText("Revoked");
  expect((await page.request.get("/api/me", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);

  // Narrow: nothing sticks out of the window except inside the tables' own scrolling areas.
  for (const width of [1280, 768, 390]) {
    await page.setViewportSize({ width, height: 800 });
    const layout = await page.evaluate(() => ({
      pageScrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      outside: [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .filter((e) => {
          // Clipped by a scrolling ancestor, unless it is positioned outside that ancestor's reach.
          let inReach = !["absolute", "fixed"].includes(getComputedStyle(e).position);
          for (let p = e.parentElement; p; p = p.parentElement) {
            const style = getComputedStyle(p);
            inReach ||= style.position !== "static";
            if (inReach && style.overflowX !== "visible") return false;
          }
          return true;
        })
        .map((e) => `${e.tagName.toLowerCase()}.${String(e.getAttribute("class")).slice(0, 80)}`),
    }));
    expect(layout, `at ${width}px`).toEqual({ pageScrollsSideways: false, outside: [] });
  }
});

test("researchers, experts and anonymous visitors cannot reach the console or its API", async ({ browser, request }) => {
  const adminApi: [string, string, unknown?][] = [
    ["GET", "/api/admin/sync"],
    ["POST", "/api/admin/sync", { kind: "incremental" }],
    ["GET", "/api/admin/sync/latest/species"],
    ["GET", "/api/admin/schedule"],
    ["PUT", "/api/admin/schedule", { cron: "" }],
    ["GET", "/api/admin/users"],
    ["PATCH", "/api/admin/users/whoever", { role: "admin" }],
    ["GET", "/api/admin/keys"],
    ["POST", "/api/admin/keys", { userId: "whoever" }],
    ["DELETE", "/api/admin/keys/1"],
  ];
  for (const [method, path, data] of adminApi) {
    const response = await request.fetch(path, { method, data });
    expect(response.status(), `anonymous ${method} ${path}`).toBe(401);
  }
  const anonymous = await browser.newPage();
  await anonymous.goto("/admin");
  await expect(anonymous).toHaveURL(/\/login\?next=(%2F|\/)admin$/);
  await anonymous.close();

  for (const email of [RESEARCHER, EXPERT]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/login?next=/vettings");
    await signIn(page, email);
    await expect(page.getByRole("heading", { name: "My vettings" })).toBeVisible();

    const response = await page.goto("/admin");
    expect(response?.status(), `${email} at /admin`).toBe(403);
    await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
    for (const name of ["Sync", "Count check", "Schedule", "Users", "API keys"]) await expect(page.getByRole("heading", { name, exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /sync/i })).toHaveCount(0);
    await expect(page.getByRole("progressbar")).toHaveCount(0);
    await expect(page.getByText(ADMIN)).toHaveCount(0);

    for (const [method, path, data] of adminApi) {
      const answer = await page.request.fetch(path, { method, data });
      expect(answer.status(), `${email}: ${method} ${path}`).toBe(403);
      expect((await answer.json()).error).toBe("forbidden");
    }
    await context.close();
  }
});
