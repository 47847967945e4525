/**
 * /api/admin/layer-sets on a real database with real GeoTIFF files: admins only, bad bodies 400,
 * refused files 422 naming the file, taken names 409, nothing stored by a refusal.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, apiRequest, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { encodeGeoTiff, type Grid } from "@/lib/layers/geotiff";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { GET, POST } from "./route";

useTestSecret();

const GRID: Grid = { width: 3, height: 3, west: 150, north: -30, resX: 1, resY: 1, crs: 4326 };

let db: TestDatabase;
let root: string;
let expert: Actor, admin: Actor;
beforeAll(async () => {
  db = await createTestDatabase();
  [expert, admin] = await Promise.all([actor("expert"), actor("admin")]);
  root = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-layer-api-"));
  for (const [dir, grid] of [
    ["now", GRID],
    ["other-grid", { ...GRID, resX: 0.5 }],
  ] as const) {
    await fs.mkdir(path.join(root, dir));
    for (const v of ["bio1", "bio12"]) await fs.writeFile(path.join(root, dir, `${v}.tif`), encodeGeoTiff(new Float32Array(9).fill(3), grid));
  }
});
afterAll(async () => {
  await db.drop();
  await fs.rm(root, { recursive: true, force: true });
});

const count = async () => Number((await db.pool.query("SELECT count(*) FROM layer_sets")).rows[0].count);
const post = (who: Actor | null, body: unknown) => POST(apiRequest("POST", "/api/admin/layer-sets", who && { cookie: who.cookie }, body));

describe("/api/admin/layer-sets", () => {
  it("is for admins only", async () => {
    expect((await GET(apiRequest("GET", "/api/admin/layer-sets", null))).status).toBe(401);
    expect((await GET(apiRequest("GET", "/api/admin/layer-sets", { cookie: expert.cookie }))).status).toBe(403);
    expect((await post(expert, { name: "x", scenario: "current", year: null, dir: path.join(root, "now") })).status).toBe(403);
    expect(await count()).toBe(0);
  });

  it("refuses malformed bodies with 400", async () => {
    for (const body of ["{not json", { scenario: "current", dir: root }, { name: "x", scenario: "SSP2-4.5", year: null, dir: root }, { name: "x", scenario: "current", year: "2050", dir: root }]) {
      const r = await post(admin, body);
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({ error: expect.stringMatching(/^invalid_/), message: expect.any(String) });
    }
    expect(await count()).toBe(0);
  });

  it("registers a set, then refuses one on another grid (422, naming the file) and a taken name (409)", async () => {
    const ok = await post(admin, { name: "Current", scenario: "current", year: null, dir: path.join(root, "now") });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ name: "Current", variables: ["bio1", "bio12"], grid: GRID });

    const bad = await post(admin, { name: "Future", scenario: "SSP2-4.5", year: 2050, dir: path.join(root, "other-grid") });
    expect(bad.status).toBe(422);
    expect((await bad.json()).message).toContain(`${path.join(root, "other-grid", "bio1.tif")}: is on another grid`);
    const missing = await post(admin, { name: "Future", scenario: "SSP2-4.5", year: 2050, dir: path.join(root, "nowhere") });
    expect(missing.status).toBe(422);
    expect((await missing.json()).message).toMatch(/nowhere: cannot be listed \(ENOENT\)/);
    const taken = await post(admin, { name: "Current", scenario: "SSP2-4.5", year: 2050, dir: path.join(root, "now") });
    expect(taken.status).toBe(409);

    const list = await GET(apiRequest("GET", "/api/admin/layer-sets", { bearer: admin.key }));
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect((await list.json()).map((s: { name: string }) => s.name)).toEqual(["Current"]);
  });
});
