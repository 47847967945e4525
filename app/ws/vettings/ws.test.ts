import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATCH } from "@/app/api/vettings/[id]/route";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { actor, apiRequest, ORIGIN, params, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { setDisabled } from "@/lib/auth/users";
import { stopQueue } from "@/lib/jobs/queue";
import { insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { DELETE } from "./[id]/route";
import { POST } from "./route";

useTestSecret();

const WKT = "POLYGON((140 -30, 141 -30, 141 -29, 140 -29, 140 -30))";
const AREA = { type: "Polygon", coordinates: [[[140, -30], [141, -30], [141, -29], [140, -29], [140, -30]]] };

let db: TestDatabase;
let speciesId: number;
let expert: Actor;
let researcher: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  speciesId = await insertSpecies(db.pool, "Menura novaehollandiae");
  [expert, researcher] = await Promise.all([actor("expert", "lyre"), actor("researcher")]);
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

const submit = (payload: unknown) =>
  POST(
    new Request(`${ORIGIN}/ws/vettings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof payload === "string" ? payload : JSON.stringify(payload),
    }),
  );
const remove = (id: number | string, apiKey?: string) =>
  DELETE(
    new Request(`${ORIGIN}/ws/vettings/${id}${apiKey === undefined ? "" : `?apiKey=${encodeURIComponent(apiKey)}`}`, { method: "DELETE" }),
    params({ id: String(id) }),
  );
const vetting = (overrides: Record<string, unknown> = {}) => ({
  apiKey: expert.key,
  species: "Menura novaehollandiae",
  area: WKT,
  classification: "known_valid",
  comment: "display grounds",
  ...overrides,
});
const count = async () => Number((await db.pool.query("SELECT count(*) FROM vettings")).rows[0].count);

async function expectError(response: Response, status: number, error: string | RegExp, message?: RegExp) {
  expect(response.status).toBe(status);
  const json = await response.json();
  expect(json).toEqual({ error: expect.stringMatching(error), message: expect.any(String) });
  if (message) expect(json.message).toMatch(message);
}

describe("POST /ws/vettings", () => {
  it("stores the vetting and answers 201 { id, firstLoadedDate }; the raw JSON is kept without the key", async () => {
    const response = await submit(vetting({ extra: { tool: "x" } }));
    expect(response.status).toBe(201);
    const answer = await response.json();
    expect(answer).toEqual({ id: expect.any(Number), firstLoadedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    const { rows } = await db.pool.query(`SELECT * FROM vettings WHERE id = $1`, [answer.id]);
    expect(rows[0]).toMatchObject({
      species_id: speciesId,
      author_id: expert.id,
      classification: 1,
      area: AREA,
      comment: "display grounds",
      channel: "ws",
      raw: { species: "Menura novaehollandiae", area: WKT, classification: "known_valid", comment: "display grounds", extra: { tool: "x" } },
    });
    expect(rows[0].first_loaded_at.toISOString()).toBe(answer.firstLoadedDate);
    expect(JSON.stringify((await db.pool.query("SELECT * FROM vettings")).rows)).not.toContain(expert.key);
  });

  it("accepts the species name in any case, and a merged species' name for the species it was merged into", async () => {
    const lower = await (await submit(vetting({ species: "menura NOVAEHOLLANDIAE" }))).json();
    await db.pool.query(
      `INSERT INTO species (guid, scientific_name, status, accepted_species_id) VALUES ('urn:test:old-lyre', 'Menura superba', 'merged', $1)`,
      [speciesId],
    );
    const synonym = await (await submit(vetting({ species: "Menura superba" }))).json();
    const { rows } = await db.pool.query(`SELECT species_id FROM vettings WHERE id = ANY($1) ORDER BY id`, [[lower.id, synonym.id]]);
    expect(rows).toEqual([{ species_id: speciesId }, { species_id: speciesId }]);
  });

  it("accepts other spellings of the two classifications", async () => {
    for (const [spelling, code] of [["Known Valid", 1], ["known-invalid", 4], ["INVALID", 4], ["valid", 1], ["KNOWN_INVALID", 4]] as const) {
      const { id } = await (await submit(vetting({ classification: spelling }))).json();
      expect((await db.pool.query(`SELECT classification FROM vettings WHERE id = $1`, [id])).rows[0].classification).toBe(code);
    }
  });

  it("answers 400 for unparsable JSON, storing nothing", async () => {
    const before = await count();
    for (const garbage of ["", "{", "{apiKey: 1}", "not json", "{\"a\":1}}", "\u0000"]) {
      await expectError(await submit(garbage), 400, "invalid_json");
    }
    for (const notAnObject of ["[]", "null", "42", "\"POLYGON\""]) await expectError(await submit(notAnObject), 400, "invalid_body");
    expect(await count()).toBe(before);
  });

  it("answers 400 for an unknown species, saying so", async () => {
    const before = await count();
    await expectError(await submit(vetting({ species: "Dodo ineptus" })), 400, "unknown_species", /Dodo ineptus/);
    await expectError(await submit(vetting({ species: "" })), 400, "invalid_body", /species/);
    await expectError(await submit(vetting({ species: 12 })), 400, "invalid_body", /species/);
    expect(await count()).toBe(before);
  });

  it("answers 400 for invalid WKT, saying what is wrong with it", async () => {
    const before = await count();
    await expectError(await submit(vetting({ area: "POLYGON((140 -30, 141 -30" })), 400, "invalid_wkt", /area is not valid WKT/);
    await expectError(await submit(vetting({ area: "POINT(140 -30)" })), 400, "invalid_wkt", /POLYGON or MULTIPOLYGON, not POINT/);
    await expectError(await submit(vetting({ area: "garbage" })), 400, "invalid_wkt");
    await expectError(await submit(vetting({ area: AREA })), 400, "invalid_wkt", /WKT string/);
    await expectError(await submit(vetting({ area: undefined })), 400, "invalid_wkt", /area must be a WKT string/);
    await expectError(await submit(vetting({ area: "POLYGON((140 -30,142 -28,142 -30,140 -28,140 -30))" })), 400, "invalid_geometry", /intersects itself/);
    await expectError(await submit(vetting({ area: "POLYGON((140 -30,141 -30,141 -29,140 -29))" })), 400, "invalid_geometry", /not closed/);
    expect(await count()).toBe(before);
  });

  it("answers 400 for a bad classification or comment", async () => {
    const before = await count();
    await expectError(await submit(vetting({ classification: "assumed_valid" })), 400, "invalid_body", /classification/);
    await expectError(await submit(vetting({ classification: undefined })), 400, "invalid_body", /classification: must be "known_valid" or "known_invalid"/);
    await expectError(await submit(vetting({ comment: ["x"] })), 400, "invalid_body", /comment/);
    expect(await count()).toBe(before);
  });

  it("answers 403 for a missing, invalid, revoked or non-expert key — before looking at anything else", async () => {
    const before = await count();
    const { id: revokedId, key: revoked } = await createApiKey(expert.id, "old");
    await revokeApiKey(revokedId);
    const disabledExpert = await actor("expert");
    await setDisabled(disabledExpert.id, true);
    for (const apiKey of [undefined, "", 42, null, "edgar_nope", revoked, disabledExpert.key, researcher.key]) {
      await expectError(await submit(vetting({ apiKey })), 403, /invalid_api_key|forbidden/);
      await expectError(await submit(vetting({ apiKey, species: "Dodo ineptus", area: "nonsense" })), 403, /invalid_api_key|forbidden/);
    }
    expect(await count()).toBe(before);
  });
});

describe("firstLoadedDate", () => {
  it("is set once and never changes, through edits and deletion", async () => {
    const { id, firstLoadedDate } = await (await submit(vetting())).json();
    const change = await PATCH(
      apiRequest("PATCH", `/api/vettings/${id}`, { bearer: expert.key }, { classification: "known_invalid", comment: "second thoughts" }),
      params({ id: String(id) }),
    );
    expect(change.status).toBe(200);
    const firstLoaded = async () => (await db.pool.query(`SELECT first_loaded_at FROM vettings WHERE id = $1`, [id])).rows[0].first_loaded_at.toISOString();
    expect(await firstLoaded()).toBe(firstLoadedDate);
    const removed = await remove(id, expert.key);
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ id, firstLoadedDate, deletedDate: expect.any(String) });
    expect(await firstLoaded()).toBe(firstLoadedDate);
  });
});

describe("DELETE /ws/vettings/{id}", () => {
  it("marks the vetting deleted for good: never resurrected, a resubmission is a new vetting", async () => {
    const first = await (await submit(vetting())).json();
    expect((await remove(first.id, expert.key)).status).toBe(200);
    const deletedAt = (await db.pool.query(`SELECT deleted_at FROM vettings WHERE id = $1`, [first.id])).rows[0].deleted_at;
    expect(deletedAt).toBeInstanceOf(Date);

    await expectError(await remove(first.id, expert.key), 409, "vetting_deleted");
    const again = await (await submit(vetting())).json();
    expect(again.id).not.toBe(first.id);
    const { rows } = await db.pool.query(`SELECT deleted_at FROM vettings WHERE id = $1`, [first.id]);
    expect(rows[0].deleted_at).toEqual(deletedAt);
  });

  it("answers 403 without a valid key, 404 for unknown ids", async () => {
    const { id } = await (await submit(vetting())).json();
    await expectError(await remove(id), 403, "invalid_api_key");
    await expectError(await remove(id, "wrong"), 403, "invalid_api_key");
    await expectError(await remove("abc", "wrong"), 403, "invalid_api_key");
    await expectError(await remove(987654, expert.key), 404, "not_found");
    await expectError(await remove("abc", expert.key), 404, "not_found");
    expect((await db.pool.query(`SELECT deleted_at FROM vettings WHERE id = $1`, [id])).rows[0].deleted_at).toBeNull();
  });
});
