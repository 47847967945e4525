import type { Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as wsDelete } from "@/app/ws/vettings/[id]/route";
import { POST as wsPost } from "@/app/ws/vettings/route";
import { actor, apiRequest, ORIGIN, params, useTestSecret, type Actor, type Credentials } from "@/lib/auth/test-support";
import { GEOMETRY_LIMITS } from "@/lib/geometry/validate";
import { BOW_TIE, squarePolygon, squareRing as square, starRing } from "@/lib/geometry/validate-fixtures";
import { stopQueue } from "@/lib/jobs/queue";
import { insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { DELETE, GET as getOne, PATCH } from "./[id]/route";
import { GET, POST } from "./route";

useTestSecret();

const AREA: Polygon = squarePolygon(140, -30, 141, -29);
const WKT = "POLYGON((140 -30, 141 -30, 141 -29, 140 -29, 140 -30))";

let db: TestDatabase;
let speciesId: number;
let speciesName: string;
let researcher: Actor, owner: Actor, other: Actor, admin: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  speciesName = "Cacatua galerita";
  speciesId = await insertSpecies(db.pool, speciesName);
  [researcher, owner, other, admin] = await Promise.all([actor("researcher"), actor("expert", "owner"), actor("expert", "other"), actor("admin")]);
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

const body = (overrides: Record<string, unknown> = {}) => ({ speciesId, classification: "known_invalid", area: AREA, comment: "escapees", ...overrides });
const post = (credentials: Credentials, payload: unknown = body(), headers?: Record<string, string>) =>
  POST(apiRequest("POST", "/api/vettings", credentials, payload, headers));
const patch = (credentials: Credentials, id: number | string, payload: unknown, headers?: Record<string, string>) =>
  PATCH(apiRequest("PATCH", `/api/vettings/${id}`, credentials, payload, headers), params({ id: String(id) }));
const del = (credentials: Credentials, id: number | string, headers?: Record<string, string>) =>
  DELETE(apiRequest("DELETE", `/api/vettings/${id}`, credentials, undefined, headers), params({ id: String(id) }));
const wsSubmit = (payload: unknown) =>
  wsPost(new Request(`${ORIGIN}/ws/vettings`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof payload === "string" ? payload : JSON.stringify(payload) }));
const wsRemove = (id: number | string, apiKey?: string) =>
  wsDelete(new Request(`${ORIGIN}/ws/vettings/${id}${apiKey === undefined ? "" : `?apiKey=${encodeURIComponent(apiKey)}`}`, { method: "DELETE" }), params({ id: String(id) }));

/** A vetting by `owner`, through the API. */
async function ownersVetting(): Promise<number> {
  const response = await post({ cookie: owner.cookie });
  expect(response.status).toBe(201);
  return (await response.json()).id;
}

/** Everything a refused request must leave as it was. */
async function snapshot() {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM vettings) AS vettings, (SELECT count(*) FROM vetting_revisions) AS revisions,
            (SELECT md5(coalesce(string_agg(v::text, ',' ORDER BY id), '')) FROM vettings v) AS digest`,
  );
  return rows[0];
}

async function expectError(response: Response, status: number, error?: string | RegExp, message?: RegExp) {
  expect(response.status).toBe(status);
  const json = await response.json();
  expect(json).toEqual({ error: expect.any(String), message: expect.any(String) });
  if (error) expect(json.error).toMatch(error);
  if (message) expect(json.message).toMatch(message);
  return json;
}

type Who = "anonymous" | "researcher" | "owner" | "other expert" | "admin";
const who = (name: Who): Actor | null => ({ anonymous: null, researcher, owner, "other expert": other, admin })[name];
const cookieOf = (name: Who): Credentials => (who(name) ? { cookie: who(name)!.cookie } : null);
const bearerOf = (name: Who): Credentials => (who(name) ? { bearer: who(name)!.key } : null);
const everyone: Who[] = ["anonymous", "researcher", "owner", "other expert", "admin"];

describe("the permission matrix", () => {
  const createStatus: Record<Who, number> = { anonymous: 401, researcher: 403, owner: 201, "other expert": 201, admin: 201 };
  const changeStatus: Record<Who, number> = { anonymous: 401, researcher: 403, owner: 200, "other expert": 403, admin: 200 };
  const deleteStatus: Record<Who, number> = { anonymous: 401, researcher: 403, owner: 204, "other expert": 403, admin: 204 };
  const wsCreateStatus: Record<Who, number> = { anonymous: 403, researcher: 403, owner: 201, "other expert": 201, admin: 201 };
  const wsDeleteStatus: Record<Who, number> = { anonymous: 403, researcher: 403, owner: 200, "other expert": 403, admin: 200 };

  for (const via of ["cookie", "bearer"] as const) {
    const credentials = via === "cookie" ? cookieOf : bearerOf;
    for (const name of everyone) {
      it(`POST /api/vettings by ${name} (${via}) → ${createStatus[name]}`, async () => {
        const before = await snapshot();
        const response = await post(credentials(name));
        if (createStatus[name] === 201) {
          expect(response.status).toBe(201);
          expect((await response.json()).author.id).toBe(who(name)!.id);
        } else {
          await expectError(response, createStatus[name], createStatus[name] === 401 ? "unauthenticated" : "forbidden");
          expect(await snapshot()).toEqual(before);
        }
      });

      it(`PATCH /api/vettings/{id} of the owner's vetting by ${name} (${via}) → ${changeStatus[name]}`, async () => {
        const id = await ownersVetting();
        const before = await snapshot();
        const response = await patch(credentials(name), id, { classification: "known_valid" });
        if (changeStatus[name] === 200) {
          expect(response.status).toBe(200);
          expect((await response.json()).classification).toBe("known_valid");
        } else {
          await expectError(response, changeStatus[name]);
          expect(await snapshot()).toEqual(before);
        }
      });

      it(`DELETE /api/vettings/{id} of the owner's vetting by ${name} (${via}) → ${deleteStatus[name]}`, async () => {
        const id = await ownersVetting();
        const before = await snapshot();
        const response = await del(credentials(name), id);
        if (deleteStatus[name] === 204) {
          expect(response.status).toBe(204);
          expect(await response.text()).toBe("");
        } else {
          await expectError(response, deleteStatus[name]);
          expect(await snapshot()).toEqual(before);
        }
      });
    }
  }

  for (const name of everyone) {
    it(`POST /ws/vettings with ${name}'s key → ${wsCreateStatus[name]}`, async () => {
      const before = await snapshot();
      const response = await wsSubmit({ apiKey: who(name)?.key, species: speciesName, area: WKT, classification: "known_valid" });
      if (wsCreateStatus[name] === 201) expect(response.status).toBe(201);
      else {
        await expectError(response, 403);
        expect(await snapshot()).toEqual(before);
      }
    });

    it(`DELETE /ws/vettings/{id} of the owner's vetting with ${name}'s key → ${wsDeleteStatus[name]}`, async () => {
      const id = await ownersVetting();
      const before = await snapshot();
      const response = await wsRemove(id, who(name)?.key);
      if (wsDeleteStatus[name] === 200) expect(response.status).toBe(200);
      else {
        await expectError(response, 403);
        expect(await snapshot()).toEqual(before);
      }
    });
  }

  it("a session cookie is not accepted by the /ws service (the key goes in the body)", async () => {
    const response = await wsPost(
      apiRequest("POST", "/ws/vettings", { cookie: owner.cookie }, { species: speciesName, area: WKT, classification: "known_valid" }),
    );
    await expectError(response, 403, "invalid_api_key");
  });
});

describe("cross-site requests", () => {
  it("are refused for cookie-authenticated writes, by Origin or Sec-Fetch-Site, changing nothing", async () => {
    const id = await ownersVetting();
    const before = await snapshot();
    const evil = { origin: "https://evil.example" };
    const fetchMeta = { "sec-fetch-site": "cross-site", origin: "https://evil.example" };
    const sameSite = { "sec-fetch-site": "same-site", origin: "http://other.edgar.test" };
    for (const headers of [evil, fetchMeta, sameSite, { origin: "null" }]) {
      await expectError(await post({ cookie: owner.cookie }, body(), headers), 403, "cross_site_request");
      await expectError(await patch({ cookie: owner.cookie }, id, { comment: "x" }, headers), 403, "cross_site_request");
      await expectError(await del({ cookie: owner.cookie }, id, headers), 403, "cross_site_request");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("are allowed from the same origin, and for API-key requests from anywhere", async () => {
    expect((await post({ cookie: owner.cookie }, body(), { "sec-fetch-site": "same-origin", origin: ORIGIN })).status).toBe(201);
    expect((await post({ bearer: owner.key }, body(), { origin: "https://tool.example", "sec-fetch-site": "cross-site" })).status).toBe(201);
  });
});

describe("POST /api/vettings", () => {
  it("answers 201 with the contract's vetting, and queues the species' re-classification", async () => {
    await db.pool.query(`DELETE FROM pgboss.job WHERE name = 'apply-vettings'`).catch(() => undefined);
    const response = await post({ cookie: owner.cookie }, body({ comment: "  escaped aviary birds  " }));
    expect(response.status).toBe(201);
    const vetting = await response.json();
    expect(vetting).toMatchObject({
      id: expect.any(Number),
      speciesId,
      classification: "known_invalid",
      area: AREA,
      comment: "escaped aviary birds",
      author: { id: owner.id, name: "owner" },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const { rows } = await db.pool.query(`SELECT min_lon, min_lat, max_lon, max_lat, channel, raw FROM vettings WHERE id = $1`, [vetting.id]);
    expect(rows[0]).toEqual({ min_lon: 140, min_lat: -30, max_lon: 141, max_lat: -29, channel: "web", raw: null });
    const jobs = await db.pool.query(`SELECT data FROM pgboss.job WHERE name = 'apply-vettings'`);
    expect(jobs.rows.map((r) => r.data)).toContainEqual({ speciesId });
  });

  it("refuses malformed JSON, wrong types and unknown fields with a 400, storing nothing", async () => {
    const before = await snapshot();
    const owners = { cookie: owner.cookie };
    await expectError(await post(owners, "{ not json"), 400, "invalid_json");
    await expectError(await post(owners, ""), 400, "invalid_json");
    await expectError(await post(owners, "[]"), 400, "invalid_body");
    await expectError(await post(owners, "null"), 400, "invalid_body");
    await expectError(await post(owners, body({ speciesId: String(speciesId) })), 400, "invalid_body", /speciesId/);
    await expectError(await post(owners, body({ speciesId: 1.5 })), 400, "invalid_body", /speciesId/);
    await expectError(await post(owners, body({ classification: "assumed_valid" })), 400, "invalid_body", /classification/);
    await expectError(await post(owners, body({ classification: undefined })), 400, "invalid_body", /classification/);
    await expectError(await post(owners, body({ comment: 42 })), 400, "invalid_body", /comment/);
    await expectError(await post(owners, body({ comment: "x".repeat(2001) })), 400, "invalid_body", /comment/);
    await expectError(await post(owners, body({ colour: "red" })), 400, "invalid_body", /colour/);
    await expectError(await post(owners, body({ area: undefined })), 400, "invalid_geometry", /^area must be a GeoJSON Polygon or MultiPolygon object/);
    await expectError(await post(owners, "x".repeat(1_000_001)), 413, "body_too_large");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown and merged species with a message naming them", async () => {
    const accepted = await insertSpecies(db.pool, "Cacatua accepta");
    const { rows } = await db.pool.query(
      `INSERT INTO species (guid, scientific_name, status, accepted_species_id) VALUES ('urn:test:merged', 'Cacatua olim', 'merged', $1) RETURNING id`,
      [accepted],
    );
    const before = await snapshot();
    await expectError(await post({ cookie: owner.cookie }, body({ speciesId: 999_999 })), 400, "unknown_species", /999999/);
    await expectError(await post({ cookie: owner.cookie }, body({ speciesId: rows[0].id })), 400, "species_not_active", /Cacatua olim is merged; vet Cacatua accepta/);
    expect(await snapshot()).toEqual(before);
  });

  it("accepts a loose box around Australia (about 17 M km²), stored counter-clockwise even when drawn clockwise", async () => {
    const ring = square(110, -45, 155, -10);
    const response = await post({ bearer: owner.key }, body({ area: { type: "Polygon", coordinates: [[...ring].reverse()] } }));
    expect(response.status).toBe(201);
    const vetting = await response.json();
    expect(vetting.area).toEqual({ type: "Polygon", coordinates: [ring] });
    expect((await (await getOne(new Request(`${ORIGIN}/api/vettings/${vetting.id}`), params({ id: String(vetting.id) }))).json()).area).toEqual(vetting.area);
  });

  const invalid: [string, unknown, RegExp][] = [
    ["an open ring", { type: "Polygon", coordinates: [square(140, -30, 141, -29).slice(0, 4)] }, /not closed/],
    ["fewer than 4 positions", { type: "Polygon", coordinates: [[[140, -30], [141, -30], [140, -30]]] }, /at least 4/],
    ["a longitude out of range", { type: "Polygon", coordinates: [square(179.5, -30, 180.5, -29)] }, /longitude 180.5/],
    ["a latitude out of range", { type: "Polygon", coordinates: [square(140, -90.5, 141, -89)] }, /latitude -90.5/],
    ["a self-intersecting bow-tie", { type: "Polygon", coordinates: [BOW_TIE] }, /intersects itself/],
    ["a zero-area polygon", { type: "Polygon", coordinates: [[[140, -30], [141, -29], [142, -28], [140, -30]]] }, /no area/],
    ["too many vertices", { type: "Polygon", coordinates: [starRing(GEOMETRY_LIMITS.maxVertices + 2)] }, /more than 5000 vertices/],
    ["too large an area", { type: "Polygon", coordinates: [square(40, -60, 170, 10)] }, /limit is 50,000,000 km²/],
    ["a tiny triangle", { type: "Polygon", coordinates: [[[140, -30], [140.000001, -30], [140, -29.999999], [140, -30]]] }, /too small: .* the minimum is 1 m²/],
    ["an edge across the antimeridian", { type: "Polygon", coordinates: [[[170, -20], [-170, -20], [-170, -10], [170, -10], [170, -20]]] }, /crosses the antimeridian/],
    ["more than a hemisphere", { type: "MultiPolygon", coordinates: [[square(-180, -90, 0, 90)], [square(0, -90, 180, 90)]] }, /more than a hemisphere/],
    ["a wrong geometry type", { type: "LineString", coordinates: [[140, -30], [141, -29]] }, /not "LineString"/],
    ["a Feature", { type: "Feature", properties: {}, geometry: AREA }, /Feature's geometry/],
    ["a string", WKT, /GeoJSON Polygon or MultiPolygon object/],
    [
      "a MultiPolygon with a bad part",
      { type: "MultiPolygon", coordinates: [[square(140, -30, 141, -29)], [BOW_TIE.map(([x, y]) => [x + 4, y])]] },
      /polygon 2, polygon intersects itself/,
    ],
  ];
  for (const [what, area, message] of invalid) {
    it(`refuses ${what} with a 400 naming the problem, storing nothing`, async () => {
      const before = await snapshot();
      await expectError(await post({ bearer: owner.key }, body({ area })), 400, "invalid_geometry", message);
      expect(await snapshot()).toEqual(before);
    });
  }
});

describe("GET /api/vettings", () => {
  it("lists a species' live vettings for anyone, deleted ones omitted", async () => {
    const sp = await insertSpecies(db.pool, "Listing listus");
    const kept = await (await post({ cookie: owner.cookie }, body({ speciesId: sp, comment: null }))).json();
    const gone = await (await post({ cookie: other.cookie }, body({ speciesId: sp }))).json();
    expect((await del({ cookie: other.cookie }, gone.id)).status).toBe(204);
    const response = await GET(new Request(`${ORIGIN}/api/vettings?speciesId=${sp}`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      {
        id: kept.id,
        speciesId: sp,
        classification: "known_invalid",
        rangeQualifier: null,
        area: AREA,
        comment: null,
        author: { id: owner.id, name: "owner" },
        createdAt: kept.createdAt,
        updatedAt: kept.updatedAt,
      },
    ]);
    expect((await (await getOne(new Request(`${ORIGIN}/api/vettings/${kept.id}`), params({ id: String(kept.id) }))).json()).id).toBe(kept.id);
    expect((await getOne(new Request(`${ORIGIN}/api/vettings/${gone.id}`), params({ id: String(gone.id) }))).status).toBe(404);
  });

  it("says what is wrong with a bad or unknown species id", async () => {
    await expectError(await GET(new Request(`${ORIGIN}/api/vettings`)), 400, "invalid_request", /speciesId/);
    await expectError(await GET(new Request(`${ORIGIN}/api/vettings?speciesId=abc`)), 400, "invalid_request");
    await expectError(await GET(new Request(`${ORIGIN}/api/vettings?speciesId=99999999999`)), 400, "invalid_request");
    await expectError(await GET(new Request(`${ORIGIN}/api/vettings?speciesId=424242`)), 404, "unknown_species");
  });
});

describe("PATCH /api/vettings/{id}", () => {
  it("changes classification, area and comment, keeping each previous state as a revision", async () => {
    const id = await ownersVetting();
    const moved = squarePolygon(145, -35, 146, -34);
    const first = await patch({ cookie: owner.cookie }, id, { area: moved, comment: "" });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ id, area: moved, comment: null, classification: "known_invalid" });
    const second = await (await patch({ bearer: admin.key }, id, { classification: "known_valid" })).json();
    expect(second).toMatchObject({ classification: "known_valid", area: moved, author: { id: owner.id } });
    const { rows } = await db.pool.query(
      `SELECT classification, area, comment, changed_by_id FROM vetting_revisions WHERE vetting_id = $1 ORDER BY id`,
      [id],
    );
    expect(rows).toEqual([
      { classification: 4, area: AREA, comment: "escapees", changed_by_id: owner.id },
      { classification: 4, area: moved, comment: null, changed_by_id: admin.id },
    ]);
    const box = await db.pool.query(`SELECT min_lon, min_lat, max_lon, max_lat FROM vettings WHERE id = $1`, [id]);
    expect(box.rows[0]).toEqual({ min_lon: 145, min_lat: -35, max_lon: 146, max_lat: -34 });
  });

  it("refuses an empty change, bad fields, bad geometry and unknown ids, changing nothing", async () => {
    const id = await ownersVetting();
    const before = await snapshot();
    const owners = { cookie: owner.cookie };
    await expectError(await patch(owners, id, {}), 400, "invalid_body", /at least one/);
    await expectError(await patch(owners, id, "{"), 400, "invalid_json");
    await expectError(await patch(owners, id, { classification: "maybe" }), 400, "invalid_body");
    await expectError(await patch(owners, id, { speciesId: 2 }), 400, "invalid_body", /speciesId/);
    await expectError(await patch(owners, id, { area: { type: "Polygon", coordinates: [] } }), 400, "invalid_geometry", /no rings/);
    await expectError(await patch(owners, 987654, { comment: "x" }), 404, "not_found");
    await expectError(await patch(owners, "abc", { comment: "x" }), 404, "not_found");
    expect(await snapshot()).toEqual(before);
  });
});

describe("soft delete", () => {
  it("cannot be undone: a deleted vetting cannot be changed, restored or deleted again (409)", async () => {
    const id = await ownersVetting();
    expect((await del({ cookie: owner.cookie }, id)).status).toBe(204);
    const { rows } = await db.pool.query(`SELECT deleted_at, first_loaded_at FROM vettings WHERE id = $1`, [id]);
    expect(rows[0].deleted_at).toBeInstanceOf(Date);
    const before = await snapshot();
    await expectError(await patch({ cookie: owner.cookie }, id, { comment: "undo?" }), 409, "vetting_deleted", /cannot be changed or restored/);
    await expectError(await patch({ bearer: admin.key }, id, { classification: "known_valid" }), 409, "vetting_deleted");
    await expectError(await del({ cookie: owner.cookie }, id), 409, "vetting_deleted");
    await expectError(await wsRemove(id, owner.key), 409, "vetting_deleted");
    expect(await snapshot()).toEqual(before);
    // The row is kept (a mark, not an erase), with its history.
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM vetting_revisions WHERE vetting_id = $1`, [id])).rows[0].n).toBe(1);
  });
});

describe("range qualifiers", () => {
  it("are taken by known-valid vettings, answered, changed, kept in revisions and cleared with known invalid", async () => {
    const created = await post({ cookie: owner.cookie }, body({ classification: "known_valid", rangeQualifier: "vagrant" }));
    expect(created.status).toBe(201);
    const vetting = await created.json();
    expect(vetting).toMatchObject({ classification: "known_valid", rangeQualifier: "vagrant" });
    expect((await (await getOne(new Request(`${ORIGIN}/api/vettings/${vetting.id}`), params({ id: String(vetting.id) }))).json()).rangeQualifier).toBe("vagrant");

    const changed = await patch({ cookie: owner.cookie }, vetting.id, { rangeQualifier: "historic" });
    expect((await changed.json()).rangeQualifier).toBe("historic");
    const invalid = await patch({ cookie: owner.cookie }, vetting.id, { classification: "known_invalid" });
    expect(await invalid.json()).toMatchObject({ classification: "known_invalid", rangeQualifier: null });
    const { rows } = await db.pool.query(`SELECT range_qualifier FROM vetting_revisions WHERE vetting_id = $1 ORDER BY id`, [vetting.id]);
    // vagrant (3) before the first change, historic (5) before the second.
    expect(rows.map((r) => r.range_qualifier)).toEqual([3, 5]);
  });

  it("are refused on known-invalid vettings and when unknown, with a 400 that stores nothing", async () => {
    const before = await snapshot();
    await expectError(await post({ cookie: owner.cookie }, body({ classification: "known_invalid", rangeQualifier: "core" })), 400, "invalid_body", /rangeQualifier: only a known_valid vetting/);
    await expectError(await post({ cookie: owner.cookie }, body({ classification: "known_valid", rangeQualifier: "feral" })), 400, "invalid_body", /rangeQualifier/);
    expect(await snapshot()).toEqual(before);
    const id = await ownersVetting();
    const after = await snapshot();
    await expectError(await patch({ cookie: owner.cookie }, id, { rangeQualifier: "core" }), 400, "invalid_body", /this one is known_invalid/);
    expect(await snapshot()).toEqual(after);
  });

  it("are an optional field of /ws/vettings, in any case", async () => {
    const response = await wsSubmit({ apiKey: owner.key, species: speciesName, area: WKT, classification: "known_valid", rangeQualifier: "Introduced" });
    expect(response.status).toBe(201);
    const { id } = await response.json();
    const { rows } = await db.pool.query(`SELECT range_qualifier FROM vettings WHERE id = $1`, [id]);
    expect(rows[0].range_qualifier).toBe(2);
    const bad = await wsSubmit({ apiKey: owner.key, species: speciesName, area: WKT, classification: "known_valid", rangeQualifier: "sometimes" });
    await expectError(bad, 400, "invalid_body", /rangeQualifier/);
  });
});
