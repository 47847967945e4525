/**
 * The model endpoints on a real database, real layers and a model fitted by the real job: status
 * (queued on first look), an expert's request (roles checked), the model JSON download that
 * re-predicts, PNG tiles that change with the scenario, and the GeoTIFF download.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { fromArrayBuffer } from "geotiff";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, apiRequest, ORIGIN, params, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { stopQueue } from "@/lib/jobs/queue";
import { addLayerSet, type LayerSet } from "@/lib/layers/store";
import { parseModel, predict } from "@/lib/model";
import { handleFitModel } from "@/lib/suitability/job";
import { northWest, writeTestLayers } from "@/lib/suitability/test-fixtures";
import { insertRecords, insertSpecies } from "@/lib/vetting/test-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { GET as getDownload } from "./[scenario]/download/route";
import { GET as getTile } from "./[scenario]/[z]/[x]/[y]/route";
import { GET, POST } from "./route";

useTestSecret();

let db: TestDatabase;
let root: string;
let researcher: Actor, expert: Actor;
let current: LayerSet, future: LayerSet;
let sp: number;
beforeAll(async () => {
  process.env.MODEL_BACKGROUND = "600";
  db = await createTestDatabase();
  root = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-model-api-"));
  process.env.DATA_DIR = root;
  [researcher, expert] = await Promise.all([actor("researcher"), actor("expert")]);
  await writeTestLayers(path.join(root, "now"));
  await writeTestLayers(path.join(root, "warm"), 4);
  current = await addLayerSet({ name: "Current", scenario: "current", year: null, dir: path.join(root, "now") });
  future = await addLayerSet({ name: "Warm 2070", scenario: "SSP2-4.5", year: 2070, dir: path.join(root, "warm") });
  sp = await insertSpecies(db.pool, "Modelus apiensis");
  await insertRecords(db.pool, sp, northWest(8, 8));
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
  await fs.rm(root, { recursive: true, force: true });
});

const status = (id: number | string, query = "") => GET(new Request(`${ORIGIN}/api/distributions/${id}/model${query}`), params({ speciesId: String(id) }));
const tile = (setId: number, z: number, x: number, y: number, headers: Record<string, string> = {}) =>
  getTile(new Request(`${ORIGIN}/api/distributions/${sp}/model/${setId}/${z}/${x}/${y}.png`, { headers }), params({ speciesId: String(sp), scenario: String(setId), z: String(z), x: String(x), y: `${y}.png` }));
/** The tile over the test grid (140–146°E, 20–24°S) at zoom 5. */
const [Z, X, Y] = [5, 28, 17];
const opaque = (png: Buffer) => {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i] > 0) n++;
  return n;
};

describe("model endpoints", () => {
  it("queue a species on its first look and answer its status", async () => {
    expect((await status("abc")).status).toBe(400);
    expect((await status(999_999)).status).toBe(404);
    const first = await (await status(sp)).json();
    expect(first).toMatchObject({ speciesId: sp, status: "queued", version: 0, evaluation: null });
    expect(first.scenarios.map((s: { name: string }) => s.name)).toEqual(["Current", "Warm 2070"]);
    const jobs = await db.pool.query("SELECT data FROM pgboss.job WHERE name = 'fit-model'");
    expect(jobs.rows.map((r) => r.data)).toContainEqual({ speciesId: sp, requested: true });
    expect((await tile(current.id, Z, X, Y)).status).toBe(404);
  });

  it("take requests from experts only", async () => {
    const post = (who: Actor | null) => POST(apiRequest("POST", `/api/distributions/${sp}/model`, who && { cookie: who.cookie }), params({ speciesId: String(sp) }));
    expect((await post(null)).status).toBe(401);
    expect((await post(researcher)).status).toBe(403);
    const r = await post(expert);
    expect(r.status).toBe(202);
    expect((await r.json()).requestedAt).toEqual(expect.any(String));
  });

  it("serve the fitted model, its tiles per scenario and its GeoTIFF", async () => {
    expect(await handleFitModel({ speciesId: sp })).toBe("fitted");
    const answer = await (await status(sp)).json();
    expect(answer).toMatchObject({ status: "ready", version: 1, presenceCells: 64, evaluation: { threshold: expect.any(Number), trainingAuc: expect.any(Number) } });

    const download = await status(sp, "?download=1");
    expect(download.headers.get("content-disposition")).toContain(`species-${sp}-model-v1.json`);
    const body = await download.json();
    const model = parseModel(body.model);
    expect(predict(model, [[1950, 29.5]], "cloglog")[0]).toBeGreaterThan(body.evaluation.threshold);

    const now = await tile(current.id, Z, X, Y);
    expect(now.status).toBe(200);
    expect(now.headers.get("content-type")).toBe("image/png");
    const etag = now.headers.get("etag")!;
    expect(etag).toBe(`"m${sp}-v1-s${current.id}"`);
    const nowPng = Buffer.from(await now.arrayBuffer());
    const warm = await tile(future.id, Z, X, Y);
    const warmPng = Buffer.from(await warm.arrayBuffer());
    expect(opaque(nowPng)).toBeGreaterThan(0);
    expect(warmPng.equals(nowPng)).toBe(false);
    expect((await tile(current.id, Z, X, Y, { "if-none-match": etag })).status).toBe(304);
    // Far from the layers: empty.
    expect(opaque(Buffer.from(await (await tile(current.id, 5, 0, 0)).arrayBuffer()))).toBe(0);
    expect((await tile(current.id, 5, 40, 0)).status).toBe(400);
    expect((await tile(999_999, Z, X, Y)).status).toBe(404);

    const tif = await getDownload(new Request(`${ORIGIN}/x`), params({ speciesId: String(sp), scenario: String(future.id) }));
    expect(tif.headers.get("content-type")).toBe("image/tiff");
    const image = await (await fromArrayBuffer(await tif.arrayBuffer())).getImage();
    expect([image.getWidth(), image.getHeight()]).toEqual([60, 40]);
  });
});
