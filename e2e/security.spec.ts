// Web security in Chromium against the demo system: HTML in ALA strings stays text, the CSP lets
// the map run and nothing else, session cookies, and cross-site writes (docs/security.md).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASEMAP_COLOURS } from "../lib/basemap/style";
import { csvRecords } from "../lib/downloads/test-support";
import { colourShares, occurrencesReady, renderedOccurrences } from "./helpers";
import { SIMULATOR_URL } from "./simulator";
import { PASSWORD, signIn, userCli } from "./users";

const ADMIN = "e2e-security-admin@example.org";
const EXPERT = "e2e-security-expert@example.org";

// Markup an ALA data provider could put in a name. If any of it ran, it would mark the page.
const XSS_SCIENTIFIC = `Xssia <img src=x onerror="document.documentElement.dataset.xss='img'">`;
const XSS_COMMON = `Script Wren <script>document.documentElement.dataset.xss='script'</script><b>bold</b>`;
const XSS_GUID = "urn:lsid:e2e.edgar:taxon:xss";

let adminKey: string;
test.beforeAll(() => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "Security Admin");
  userCli("create", "--email", EXPERT, "--password", PASSWORD, "--role", "expert", "--name", "Security Expert");
  adminKey = userCli("apikey", "--email", ADMIN, "--name", "e2e security");
});

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("edgarCspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { edgarCspViolation(v: string): void }).edgarCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

/** Runs an incremental sync (as an admin's tool would) and waits for it to succeed. */
async function syncNow(request: APIRequestContext) {
  const auth = { authorization: `Bearer ${adminKey}` };
  await expect
    .poll(async () => (await (await request.get("/api/admin/sync", { headers: auth })).json()).current, { timeout: 120_000 })
    .toBeNull();
  const started = await request.post("/api/admin/sync", { headers: auth, data: { kind: "incremental" } });
  expect(started.status()).toBe(202);
  const { runId } = await started.json();
  await expect
    .poll(
      async () => {
        const { history } = await (await request.get("/api/admin/sync", { headers: auth })).json();
        return history.find((r: { id: number }) => r.id === runId)?.status ?? "queued";
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe("succeeded");
}

test("HTML in names from the ALA is shown as text, and never becomes elements", async ({ page, request }) => {
  test.setTimeout(240_000);
  // A species of the simulator splits off a new one whose names carry markup; a sync brings it in.
  const species = (await (await request.get("/api/species?q=&limit=50")).json()) as { guid: string }[];
  const split = await request.post(`${SIMULATOR_URL}/__control/species/split`, {
    data: { guid: species[species.length - 1].guid, fraction: 0.5, newGuid: XSS_GUID, scientificName: XSS_SCIENTIFIC, vernacularName: XSS_COMMON },
  });
  expect(split.status(), await split.text()).toBe(200);
  await syncNow(request);
  const found = (await (await request.get("/api/species?q=xssia&limit=5")).json()) as { id: number; guid: string; scientificName: string; commonName: string }[];
  const xss = found.find((s) => s.guid === XSS_GUID);
  expect(xss, JSON.stringify(found)).toBeTruthy();
  expect(xss).toMatchObject({ scientificName: XSS_SCIENTIFIC, commonName: XSS_COMMON });

  const violations = await watchCsp(page);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  // The species panel and the search box.
  await page.goto(`/species/${xss!.id}`);
  const panel = page.getByTestId("species-panel");
  await expect(panel.getByRole("heading", { name: XSS_COMMON })).toBeVisible();
  await expect(panel.getByText(XSS_SCIENTIFIC, { exact: true })).toBeVisible();
  await occurrencesReady(page);

  const search = page.getByRole("combobox", { name: /search species/i });
  await search.fill("xssia");
  await expect(page.getByRole("listbox", { name: "Matching species" }).getByRole("option").filter({ hasText: XSS_COMMON })).toHaveCount(1);
  await search.fill("");

  // A record's popup, at a position with one record (so a deep zoom shows it as one dot).
  const csv = await (await request.get(`/api/species/${xss!.id}/occurrences?format=csv&duplicates=show`)).text();
  const rows = csvRecords(csv).filter((r) => r.decimalLatitude !== "");
  const at = (r: Record<string, string>) => `${r.decimalLatitude},${r.decimalLongitude}`;
  const count = new Map<string, number>();
  for (const r of rows) count.set(at(r), (count.get(at(r)) ?? 0) + 1);
  const record = rows.find((r) => count.get(at(r)) === 1)!;
  expect(record).toBeTruthy();
  await page.goto(`/species/${xss!.id}?map=18/${record.decimalLatitude}/${record.decimalLongitude}&duplicates=show`);
  await occurrencesReady(page);
  const dot = (await renderedOccurrences(page)).find((f) => f.layer === "occurrence-records");
  expect(dot).toBeTruthy();
  await page.mouse.click(dot!.x, dot!.y);
  const details = page.getByTestId("occurrence-details");
  await expect(details.getByRole("heading", { name: XSS_COMMON })).toBeVisible();
  await expect(details.getByText(XSS_SCIENTIFIC, { exact: true })).toBeVisible();

  // No element was made from the markup, nothing of it ran, and the CSP had nothing to stop.
  expect(await page.locator('img[src="x"], b:text-is("bold")').count()).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].some((s) => s.textContent?.includes("dataset.xss")))).toBe(false);
  expect(await page.evaluate(() => document.documentElement.dataset.xss ?? null)).toBeNull();
  expect(dialogs).toEqual([]);
  expect(violations).toEqual([]);
});

test("pages carry a nonce CSP and the security headers; the map runs under it with no violation", async ({ page, request }) => {
  const violations = await watchCsp(page);
  const response = await page.goto("/");
  const headers = response!.headers();
  const csp = headers["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(headers).toMatchObject({
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
  });
  expect(headers["permissions-policy"]).toContain("camera=()");
  // Served over plain http: no HSTS (a browser would then refuse http://localhost for a year).
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Each page load has its own nonce, and Next.js's inline scripts carry it (the chunks those
  // load are trusted through 'strict-dynamic').
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const again = (await request.get("/")).headers()["content-security-policy"];
  expect(/'nonce-([^']+)'/.exec(again)![1]).not.toBe(nonce);
  const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).map((s) => s.nonce));
  expect(inline.length).toBeGreaterThan(0);
  expect(new Set(inline)).toEqual(new Set([nonce]));

  // The map draws its basemap and occurrence clusters (MapLibre's worker included).
  const top = (await (await request.get("/api/species?q=&limit=1")).json())[0] as { id: number };
  await page.goto(`/species/${top.id}`);
  await occurrencesReady(page);
  await expect(page.getByTestId("map")).toHaveAttribute("data-map-state", "idle", { timeout: 45_000 });
  expect((await renderedOccurrences(page)).length).toBeGreaterThan(0);
  const shares = await colourShares(page, await page.getByTestId("map").screenshot(), { sea: BASEMAP_COLOURS.sea, land: BASEMAP_COLOURS.land });
  expect(shares.land).toBeGreaterThan(0.05);
  expect(violations).toEqual([]);

  // Injected markup cannot run script: inline event handlers are refused (and reported).
  await page.evaluate(() => {
    document.body.insertAdjacentHTML("beforeend", `<img src="/nothing.png" onerror="document.documentElement.dataset.injected='1'">`);
  });
  await expect.poll(() => violations.join("\n")).toMatch(/script-src/);
  expect(await page.evaluate(() => document.documentElement.dataset.injected ?? null)).toBeNull();

  // HSTS when a TLS-terminating proxy says the request came over https; the API has the fixed headers.
  const overTls = await request.get("/login", { headers: { "x-forwarded-proto": "https" } });
  expect(overTls.headers()["strict-transport-security"]).toBe("max-age=31536000");
  expect(overTls.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
  const api = await request.get("/api/health");
  expect(api.headers()).toMatchObject({ "x-content-type-options": "nosniff", "x-frame-options": "DENY" });
});

test("every page, the 404 page included, carries its request's nonce on its inline scripts", async ({ page }) => {
  const violations = await watchCsp(page);
  for (const path of ["/", "/login", "/vettings", "/admin", "/no-such-page"]) {
    const response = await page.goto(path);
    const nonce = /'nonce-([^']+)'/.exec(response!.headers()["content-security-policy"] ?? "")?.[1];
    expect(nonce, path).toBeTruthy();
    const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).map((s) => s.nonce));
    expect(inline.length, path).toBeGreaterThan(0);
    expect(new Set(inline), path).toEqual(new Set([nonce]));
  }
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("the session cookie is HttpOnly and SameSite=Lax, and another site's page cannot write with it", async ({ page, context, request }) => {
  const violations = await watchCsp(page);
  await page.goto("/login?next=/vettings");
  await signIn(page, EXPERT);
  await expect(page.getByRole("heading", { name: "My vettings" })).toBeVisible();
  expect(violations).toEqual([]);
  const session = (await context.cookies()).find((c) => c.name === "edgar.session_token");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("edgar.session_token");

  const top = (await (await request.get("/api/species?q=&limit=1")).json())[0] as { id: number };
  const live = async () => ((await (await request.get(`/api/vettings?speciesId=${top.id}`)).json()) as unknown[]).length;
  const before = await live();
  const body = JSON.stringify({
    speciesId: top.id,
    classification: "known_invalid",
    area: { type: "Polygon", coordinates: [[[150, -34], [151, -34], [151, -33], [150, -33], [150, -34]]] },
  });

  // A page on another origin of the same site (this host, another port), so the Lax cookie is
  // sent along: only the origin check stands between it and a write.
  const edgar = new URL(page.url()).origin;
  const attacker = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><title>attacker</title><script>
      fetch(${JSON.stringify(`${edgar}/api/vettings`)}, { method: "POST", mode: "no-cors", credentials: "include",
        headers: { "content-type": "text/plain" }, body: ${JSON.stringify(body)} });
    </script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  const attempt = page.waitForResponse((r) => r.url() === `${edgar}/api/vettings` && r.request().method() === "POST");
  await page.goto(attackerUrl);
  const refused = await attempt;
  attacker.close();
  // 403, not 401: the cookie was sent and named an expert, who may vet; only the origin check
  // refuses (the answer itself is opaque to the page, and so to the test).
  expect(refused.status()).toBe(403);
  expect(await live()).toBe(before);

  // The same write from Edgar's own page goes through (and is taken back).
  await page.goto("/vettings");
  const own = await page.evaluate(async (b) => {
    const created = await fetch("/api/vettings", { method: "POST", headers: { "content-type": "application/json" }, body: b });
    return { status: created.status, id: (await created.json()).id as number };
  }, body);
  expect(own.status).toBe(201);
  expect(await live()).toBe(before + 1);
  expect(await page.evaluate(async (id) => (await fetch(`/api/vettings/${id}`, { method: "DELETE" })).status, own.id)).toBe(204);
});
