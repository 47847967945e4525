import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, apiRequest, useTestSecret, type Actor, type Credentials } from "@/lib/auth/test-support";
import { BOW_TIE, squarePolygon, squareRing as square } from "@/lib/geometry/validate-fixtures";
import { stopQueue } from "@/lib/jobs/queue";
import { insertRecords, insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { POST } from "./route";

useTestSecret();

let db: TestDatabase;
let speciesId: number;
let expert: Actor, researcher: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  speciesId = await insertSpecies(db.pool, "Cacatua galerita");
  // Three inside 140–141° E, 30–29° S (one on its edge), one just outside, one without coordinates.
  await insertRecords(db.pool, speciesId, [
    { lon: 140.5, lat: -29.5, rating: 2 },
    { lon: 140.2, lat: -29.9, rating: 3 },
    { lon: 141, lat: -29.5, rating: 2 },
    { lon: 141.5, lat: -29.5, rating: 2 },
    { lon: null, lat: null, rating: 2 },
  ]);
  [expert, researcher] = await Promise.all([actor("expert"), actor("researcher")]);
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

const coverage = (credentials: Credentials, payload: unknown) => POST(apiRequest("POST", "/api/vettings/coverage", credentials, payload));

async function expectError(response: Response, status: number, error: string, message?: RegExp) {
  expect(response.status).toBe(status);
  const json = await response.json();
  expect(json).toEqual({ error, message: expect.any(String) });
  if (message) expect(json.message).toMatch(message);
}

describe("POST /api/vettings/coverage", () => {
  it("counts the species' records the area would cover, by the classification's rule (edges included)", async () => {
    const inside = await coverage({ cookie: expert.cookie }, { speciesId, area: squarePolygon(140, -30, 141, -29) });
    expect(inside.status).toBe(200);
    expect(await inside.json()).toEqual({ count: 3 });
    const twoParts = { type: "MultiPolygon", coordinates: [[square(140.4, -29.6, 140.6, -29.4)], [square(141.4, -29.6, 141.6, -29.4)]] };
    expect(await (await coverage({ bearer: expert.key }, { speciesId, area: twoParts })).json()).toEqual({ count: 2 });
  });

  it("answers 0 for an area with no records of the species in it", async () => {
    const response = await coverage({ cookie: expert.cookie }, { speciesId, area: squarePolygon(150, -40, 151, -39) });
    expect(await response.json()).toEqual({ count: 0 });
  });

  it("is for experts and admins only", async () => {
    const body = { speciesId, area: squarePolygon(140, -30, 141, -29) };
    await expectError(await coverage(null, body), 401, "unauthenticated");
    await expectError(await coverage({ cookie: researcher.cookie }, body), 403, "forbidden");
  });

  it("says what is wrong with a bad area, species or body", async () => {
    const area = squarePolygon(140, -30, 141, -29);
    await expectError(await coverage({ cookie: expert.cookie }, { speciesId, area: { type: "Polygon", coordinates: [BOW_TIE] } }), 400, "invalid_geometry", /intersects itself/);
    await expectError(await coverage({ cookie: expert.cookie }, { speciesId: 999_999, area }), 400, "unknown_species", /999999/);
    await expectError(await coverage({ cookie: expert.cookie }, { speciesId, area, classification: "known_valid" }), 400, "invalid_body", /classification/);
    await expectError(await coverage({ cookie: expert.cookie }, "{ nope"), 400, "invalid_json");
  });
});
