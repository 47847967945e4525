/**
 * The admin console's range imports and vetting push overview on a real database: who may call
 * them, a GeoJSON and a zipped shapefile uploaded as the body, bad uploads refused with the
 * contract's error and nothing stored, removal as a set.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, apiRequest, ORIGIN, params, useTestSecret, type Actor, type Credentials } from "@/lib/auth/test-support";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { stopQueue } from "@/lib/jobs/queue";
import { clockwiseSquare, zippedShapefile } from "@/lib/ranges/test-shapefile";
import { insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { startVettingReceiver } from "@/lib/simulator/vetting-receiver";
import { pushDueVettings } from "@/lib/vetting/push";
import { insertVetting } from "@/lib/vetting/test-fixtures";
import { POST as retryPush } from "../vetting-push/[vettingId]/retry/route";
import { GET as getPush } from "../vetting-push/route";
import { DELETE as deleteImport } from "./[id]/route";
import { GET as listImports, POST as postImport } from "./route";

useTestSecret();

let db: TestDatabase;
let researcher: Actor, expert: Actor, admin: Actor;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSpecies(db.pool, "Cacatua galerita");
  [researcher, expert, admin] = await Promise.all([actor("researcher"), actor("expert"), actor("admin")]);
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

const geojson = (features: unknown[]) => new TextEncoder().encode(JSON.stringify({ type: "FeatureCollection", features }));
const GOOD = geojson([
  { type: "Feature", properties: { SCI_NAME: "Cacatua galerita", RANGE_T: "core" }, geometry: squarePolygon(140, -30, 142, -28) },
  { type: "Feature", properties: { SCI_NAME: "Dodo ineptus", RANGE_T: "core" }, geometry: squarePolygon(57, -21, 58, -20) },
]);
const QUERY = "source=BirdLife%20Australia&nameField=SCI_NAME&classField=RANGE_T";

function upload(c: Credentials, query: string, body: Uint8Array | undefined, headers: Record<string, string> = {}): Promise<Response> {
  const request = apiRequest("POST", `/api/admin/range-imports?${query}`, c, undefined, { "content-type": "application/octet-stream", ...headers });
  return postImport(new Request(request.url, { method: "POST", headers: request.headers, body: body as BodyInit | undefined }));
}
const remove = (c: Credentials, id: string) => deleteImport(apiRequest("DELETE", `/api/admin/range-imports/${id}`, c), params({ id }));
const count = async () => (await db.pool.query("SELECT (SELECT count(*) FROM range_imports)::int AS imports, (SELECT count(*) FROM vettings)::int AS vettings")).rows[0];

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(body).toEqual({ error, message: expect.any(String) });
  return body.message as string;
}

describe("range imports in the admin console", () => {
  it("are for admins only", async () => {
    await expectError(await upload(null, `fileName=r.geojson&${QUERY}`, GOOD), 401, "unauthenticated");
    await expectError(await upload({ cookie: researcher.cookie }, `fileName=r.geojson&${QUERY}`, GOOD), 403, "forbidden");
    await expectError(await upload({ bearer: expert.key }, `fileName=r.geojson&${QUERY}`, GOOD), 403, "forbidden");
    await expectError(await listImports(apiRequest("GET", "/api/admin/range-imports", { cookie: expert.cookie })), 403, "forbidden");
    await expectError(await remove({ bearer: expert.key }, "1"), 403, "forbidden");
    await expectError(await getPush(apiRequest("GET", "/api/admin/vetting-push", { bearer: researcher.key })), 403, "forbidden");
    // A page on another site cannot make an admin's browser upload.
    await expectError(await upload({ cookie: admin.cookie }, `fileName=r.geojson&${QUERY}`, GOOD, { origin: "https://evil.example" }), 403, "cross_site_request");
    expect(await count()).toEqual({ imports: 0, vettings: 0 });
  });

  it("imports an uploaded GeoJSON and a zipped shapefile, lists them and removes one as a set", async () => {
    const first = await upload({ cookie: admin.cookie }, `fileName=birdlife.geojson&${QUERY}`, GOOD);
    expect(first.status).toBe(201);
    const report = await first.json();
    expect(report).toMatchObject({ id: expect.any(Number), vettings: 1, unmatchedNames: [{ name: "Dodo ineptus", features: 1 }], source: { name: "BirdLife Australia" } });

    const zip = await zippedShapefile([{ rings: [clockwiseSquare(140, -30, 141, -29)], attributes: { SCI_NAME: "Cacatua galerita", RANGE_T: "suspect" } }]);
    const second = await upload({ bearer: admin.key }, `fileName=ranges.zip&${QUERY}`, zip);
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ vettings: 1, problems: [] });

    const list = await (await listImports(apiRequest("GET", "/api/admin/range-imports", { cookie: admin.cookie }))).json();
    expect(list.map((i: { fileName: string; liveVettings: number }) => [i.fileName, i.liveVettings])).toEqual([
      ["ranges.zip", 1],
      ["birdlife.geojson", 1],
    ]);

    const removed = await remove({ cookie: admin.cookie }, String(report.id));
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ id: report.id, removed: 1 });
    await expectError(await remove({ cookie: admin.cookie }, String(report.id)), 409, "already_removed");
    await expectError(await remove({ cookie: admin.cookie }, "424242"), 404, "not_found");
    await expectError(await remove({ cookie: admin.cookie }, "abc"), 400, "invalid_range_import_id");
  });

  it("refuses bad uploads with a clear 400 and stores nothing", async () => {
    const before = await count();
    await expectError(await upload({ cookie: admin.cookie }, QUERY, GOOD), 400, "invalid_query");
    expect(await expectError(await upload({ cookie: admin.cookie }, `fileName=ranges.shp&${QUERY}`, GOOD), 400, "invalid_query")).toMatch(/zipped together/);
    await expectError(await upload({ cookie: admin.cookie }, `fileName=r.geojson&source=S&nameField=n`, GOOD), 400, "invalid_query");
    await expectError(await upload({ cookie: admin.cookie }, `fileName=r.geojson&${QUERY}`, new Uint8Array()), 400, "invalid_file");
    expect(await expectError(await upload({ cookie: admin.cookie }, `fileName=r.geojson&${QUERY}`, new TextEncoder().encode("{oops")), 400, "invalid_file")).toMatch(/not JSON/);
    expect(await expectError(await upload({ cookie: admin.cookie }, `fileName=r.zip&${QUERY}`, GOOD), 400, "invalid_file")).toMatch(/not a readable .zip/);
    expect(await expectError(await upload({ cookie: admin.cookie }, `fileName=r.geojson&source=S&nameField=species&classField=RANGE_T`, GOOD), 400, "invalid_file")).toMatch(
      /the name field "species" is in none of the 2 features/,
    );
    expect(await count()).toEqual(before);
  });

  it("shows whether vettings go out to the ALA, and the counts by state", async () => {
    const response = await getPush(new Request(`${ORIGIN}/api/admin/vetting-push`, { headers: { authorization: `Bearer ${admin.key}` } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ configured: false, url: null, counts: { pending: 0, sent: 0, refused: 0 }, outstanding: [] });
  });
});

describe("sending a refused vetting again", () => {
  it("puts a refused push back to pending for admins; anything else is refused", async () => {
    const receiver = await startVettingReceiver({ apiKey: "k" });
    try {
      const speciesId = (await db.pool.query<{ id: number }>("SELECT id FROM species WHERE scientific_name = 'Cacatua galerita'")).rows[0].id;
      const id = await insertVetting(db.pool, speciesId, expert.id, 1, squarePolygon(140, -30, 141, -29));
      receiver.unknownSpecies.add("Cacatua galerita");
      await pushDueVettings({ url: receiver.url, apiKey: "k", retryBaseMs: 0, retryMaxMs: 0, timeoutMs: 5_000 });
      const retry = (c: Credentials, vettingId: string) => retryPush(apiRequest("POST", `/api/admin/vetting-push/${vettingId}/retry`, c), params({ vettingId }));
      await expectError(await retry({ bearer: expert.key }, String(id)), 403, "forbidden");
      await expectError(await retry({ cookie: admin.cookie }, "0"), 400, "invalid_vetting_id");

      const response = await retry({ cookie: admin.cookie }, String(id));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ vettingId: id, state: "pending" });
      // Pending again, it goes with the next round, now that the service knows the species.
      receiver.unknownSpecies.clear();
      await pushDueVettings({ url: receiver.url, apiKey: "k", retryBaseMs: 0, retryMaxMs: 0, timeoutMs: 5_000 });
      expect(receiver.vettings.get(id)?.status).toBe("new");
      await expectError(await retry({ cookie: admin.cookie }, String(id)), 404, "not_refused");
    } finally {
      await receiver.close();
    }
  });
});

describe("random uploads (fast-check)", () => {
  it("any bytes under any accepted file name are refused with a 4xx or import nothing, and change nothing", { timeout: 300_000 }, async () => {
    const digest = async () =>
      (
        await db.pool.query<{ d: string }>(
          `SELECT (SELECT count(*) FROM range_imports) || ':' || (SELECT count(*) FROM vettings) || ':' || (SELECT count(*) FROM "user") || ':' || (SELECT count(*) FROM vetting_outbox) AS d`,
        )
      ).rows[0].d;
    const before = await digest();
    const json = fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v)));
    const collectionOfJunk = fc
      .array(fc.record({ type: fc.constant("Feature"), properties: fc.dictionary(fc.constantFrom("SCI_NAME", "RANGE_T", "x"), fc.jsonValue()), geometry: fc.jsonValue() }), { maxLength: 4 })
      .map((features) => new TextEncoder().encode(JSON.stringify({ type: "FeatureCollection", features })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("r.geojson", "r.json", "r.zip"), fc.oneof(fc.uint8Array({ maxLength: 2_000 }), json, collectionOfJunk), async (name, body) => {
        const response = await upload({ bearer: admin.key }, `fileName=${name}&${QUERY}`, body);
        const text = await response.text();
        if (response.status === 200) expect(JSON.parse(text)).toMatchObject({ id: null, vettings: 0 });
        else {
          expect(response.status, text).toBeGreaterThanOrEqual(400);
          expect(response.status, text).toBeLessThan(500);
          expect(JSON.parse(text)).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
        }
        expect(await digest()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
