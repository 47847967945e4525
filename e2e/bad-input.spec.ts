// Bad input on the read side over HTTP, against the production server (proxy.ts included):
// every page and every GET route found in app/ gets addresses that do not decode (refused at the
// edge with a 400: JSON for /api and /ws, Edgar's own page for pages) and odd values (a 4xx or an
// answer, never a 5xx). The handlers' own properties are in app/api/read-endpoints.property.test.ts.
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import fc from "fast-check";
import { malformedEscape, oddValue } from "../lib/http/bad-input";
import { appGetRoutes, appPages, appRouteFiles, fillPattern, type AppEntry } from "../test/app-routes";
import { mostRecorded } from "./helpers";
import { PASSWORD, userCli } from "./users";

const ADMIN = "e2e-bad-input-admin@example.org";
const RUNS = 25;

let adminKey: string;
let speciesId: string;
const tried = { pages: 0, routes: 0, malformed: 0 };

test.beforeAll(async ({ request }) => {
  userCli("create", "--email", ADMIN, "--password", PASSWORD, "--role", "admin", "--name", "Bad Input Admin");
  adminKey = userCli("apikey", "--email", ADMIN, "--name", "e2e bad input");
  speciesId = String((await mostRecorded(request)).id);
});

test.afterAll(() => {
  console.log(`reliability: read side over HTTP: ${tried.pages} page requests, ${tried.routes} GET route requests, ${tried.malformed} undecodable addresses`);
});

/** Parameters the pages read (the map's view, the sign-in page's `next`). */
const PAGE_PARAMS = ["map", "years", "yearFrom", "yearTo", "classifications", "duplicates", "next", "vetting"];

function get(request: APIRequestContext, path: string): Promise<APIResponse> {
  return request.get(path, { headers: { authorization: `Bearer ${adminKey}` }, maxRedirects: 0, failOnStatusCode: false });
}

const validSegment = (name: string) => (name === "y" ? "4.pbf" : name === "z" ? "3" : name === "x" ? "7" : name === "layer" ? "countries.geojson" : name === "all" ? "get-session" : speciesId);

/** An address of `entry` with odd or valid segments and odd, repeated and unknown parameters. */
function addresses(entry: AppEntry, names: string[]): fc.Arbitrary<string> {
  const segments = fc.record(Object.fromEntries(entry.segments.map((n) => [n, fc.oneof(fc.constant(validSegment(n)), oddValue.filter((v) => !["", ".", ".."].includes(v)))])));
  const param = fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 8 })), oddValue);
  return fc.tuple(segments, fc.array(param, { maxLength: 4 })).map(([values, query]) => {
    const search = new URLSearchParams(query).toString();
    return `${fillPattern(entry, values)}${search ? `?${search}` : ""}`;
  });
}

/**
 * Node's HTTP server refuses a request line and headers past 16 KB itself (431, no body), before
 * Edgar sees the request; the long values generated reach that limit now and then.
 */
const TOO_LARGE_FOR_NODE = 431;

/** Never a 5xx; a 4xx from /api or /ws is the contract's JSON error. */
async function expectAnswered(path: string, response: APIResponse): Promise<void> {
  const what = `GET ${path.slice(0, 200)} answered ${response.status()}`;
  expect(response.status(), what).toBeLessThan(500);
  if (response.status() === TOO_LARGE_FOR_NODE) expect(path.length, what).toBeGreaterThan(8_000);
  else if (response.status() >= 400 && /^\/(api|ws)\//.test(path)) {
    expect(response.headers()["content-type"], what).toMatch(/^application\/json/);
    expect(await response.json(), what).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
  }
}

/** The address with a malformed escape put into one of its path segments or its query. */
function malformed(path: string): fc.Arbitrary<{ url: string; part: "path" | "query" }> {
  const segments = path.split("/");
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: segments.length - 1 }), malformedEscape).map(([i, escape]) => ({
      url: segments.map((s, j) => (j === i ? `${s}${escape}` : s)).join("/"),
      part: "path" as const,
    })),
    fc.tuple(fc.constantFrom("q", "map", "next", "x"), malformedEscape).map(([name, escape]) => ({ url: `${path}?${name}=a${escape}`, part: "query" as const })),
  );
}

test("every page: odd values are answered or refused, never with a 5xx", async ({ request }) => {
  test.setTimeout(300_000);
  for (const page of appPages()) {
    await fc.assert(
      fc.asyncProperty(addresses(page, PAGE_PARAMS), async (path) => {
        tried.pages++;
        const response = await get(request, path);
        await expectAnswered(path, response);
        if (response.status() === 200) expect(response.headers()["content-security-policy"]).toMatch(/'nonce-[^']+'/);
      }),
      { numRuns: RUNS },
    );
  }
});

test("every GET route: odd segments and values are answered or refused with the JSON error, never a 5xx", async ({ request }) => {
  test.setTimeout(300_000);
  const names = ["q", "limit", "format", "classification", "classifications", "years", "yearFrom", "yearTo", "duplicates", "lon", "lat", "radius", "clusterId", "speciesId", "userId", "before", "v", "apiKey"];
  for (const route of appGetRoutes()) {
    await fc.assert(
      fc.asyncProperty(addresses(route, names), async (path) => {
        tried.routes++;
        await expectAnswered(path, await get(request, path));
      }),
      { numRuns: RUNS },
    );
  }
});

test("addresses that do not decode are refused at the edge: 400 invalid_url for /api and /ws, Edgar's 400 page for pages", async ({ request }) => {
  test.setTimeout(300_000);
  const entries = [...appPages(), ...appRouteFiles()].map((e) => fillPattern(e, Object.fromEntries(e.segments.map((n) => [n, validSegment(n)]))));
  for (const path of entries) {
    await fc.assert(
      fc.asyncProperty(malformed(path), async ({ url, part }) => {
        tried.malformed++;
        const response = await get(request, url);
        const what = `GET ${url} answered ${response.status()}`;
        // Static files, the MapLibre worker among them, are left to Next.js (proxy.ts's matcher):
        // a bad path is a 404, a query is ignored.
        if (url.startsWith("/vendor/")) return expect(response.status(), what).toBe(part === "path" ? 404 : 200);
        expect(response.status(), what).toBe(400);
        if (/^\/(api|ws)\//.test(url)) {
          expect(await response.json(), what).toEqual({ error: "invalid_url", message: expect.stringContaining(part) });
        } else {
          expect(response.headers()["content-type"], what).toMatch(/^text\/html/);
          expect(await response.text(), what).toContain("This address cannot be read");
          expect(response.headers()["content-security-policy"], what).toMatch(/'nonce-[^']+'/);
        }
      }),
      { numRuns: 8 },
    );
  }
});

test("a malformed address with a body is refused at the edge too, and bodies of good addresses still arrive", async ({ request }) => {
  const headers = { authorization: `Bearer ${adminKey}` };
  const refused = await request.patch("/api/vettings/%FF", { headers, data: { comment: "x" }, failOnStatusCode: false });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toBe("invalid_url");
  // A body that passes the proxy by (no escape in its path) reaches the route whole.
  const created = await request.post("/api/vettings", {
    headers,
    data: { speciesId: Number(speciesId), classification: "known_valid", area: { type: "Polygon", coordinates: [[[140, -30], [141, -30], [141, -29], [140, -29], [140, -30]]] }, comment: "é".repeat(2_000) },
  });
  expect(created.status()).toBe(201);
  const vetting = await created.json();
  expect(vetting.comment).toBe("é".repeat(2_000));
  expect((await request.delete(`/api/vettings/${vetting.id}`, { headers })).status()).toBe(204);
});
