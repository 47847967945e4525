/**
 * The admin's sources API on a real database and job queue: who may call it, sources added with
 * their credentials stored encrypted, bad bodies refused, an archive uploaded, queued and imported
 * by the worker's handler, unmatched names listed and mapped, a source removed with its records.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, apiRequest, params, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { queue, stopQueue } from "@/lib/jobs/queue";
import { writeArchive } from "@/lib/sources/dwca/test-archive";
import { handleSourceSync, SOURCE_QUEUES, type SourceSyncJob } from "@/lib/sources/jobs";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { DELETE as deleteSource } from "./[id]/route";
import { POST as syncSource } from "./[id]/sync/route";
import { POST as mapName } from "./names/route";
import { GET as getSources, POST as postSource } from "./route";

useTestSecret();

let db: TestDatabase;
let dir: string;
let researcher: Actor, admin: Actor;
let magpie: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-sources-api-"));
  process.env.DATA_DIR = dir;
  db = await createTestDatabase();
  [researcher, admin] = await Promise.all([actor("researcher"), actor("admin")]);
  magpie = (await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:magpie', 'Gymnorhina tibicen') RETURNING id")).rows[0].id;
});
afterAll(async () => {
  await stopQueue();
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const asAdmin = { cookie: "" };
const dwca = { kind: "dwca", name: "Survey", settings: { location: "/data/survey.zip" }, cron: "0 4 * * *" };

describe("/api/admin/sources", () => {
  beforeAll(() => {
    asAdmin.cookie = admin.cookie;
  });

  it("is for admins only", async () => {
    expect((await getSources(apiRequest("GET", "/api/admin/sources", null))).status).toBe(401);
    expect((await getSources(apiRequest("GET", "/api/admin/sources", { cookie: researcher.cookie }))).status).toBe(403);
    expect((await postSource(apiRequest("POST", "/api/admin/sources", { bearer: researcher.key }, dwca))).status).toBe(403);
    expect((await deleteSource(apiRequest("DELETE", "/api/admin/sources/1", null), params({ id: "1" }))).status).toBe(401);
    expect((await syncSource(apiRequest("POST", "/api/admin/sources/1/sync", { cookie: researcher.cookie }), params({ id: "1" }))).status).toBe(403);
    expect((await mapName(apiRequest("POST", "/api/admin/sources/names", null, { name: "x", speciesId: 1 }))).status).toBe(401);
  });

  it("refuses bad bodies with 400 and a taken name with 409, saying why", async () => {
    const post = (body: unknown) => postSource(apiRequest("POST", "/api/admin/sources", asAdmin, body));
    const cases: [unknown, RegExp][] = [
      ["{not json", /JSON/i],
      [{ ...dwca, kind: "ftp" }, /kind/],
      [{ ...dwca, settings: {} }, /location/],
      [{ ...dwca, cron: "sometimes" }, /cron/],
      [{ kind: "living_atlas", name: "NBN", settings: { biocacheUrl: "ftp://x" } }, /biocacheUrl/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((await r.json()).message).toMatch(message);
    }
    expect((await post(dwca)).status).toBe(201);
    const again = await post(dwca);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "source_exists" });
  });

  it("stores credentials encrypted and never answers them", async () => {
    const r = await postSource(
      apiRequest("POST", "/api/admin/sources", asAdmin, { kind: "gbif", name: "GBIF", settings: {}, credentials: { username: "me", password: "s3cret-pass" } }),
    );
    expect(r.status).toBe(201);
    const text = JSON.stringify(await (await getSources(apiRequest("GET", "/api/admin/sources", asAdmin))).json());
    expect(text).not.toContain("s3cret-pass");
    expect(text).toContain('"hasCredentials":true');
    const stored = await db.pool.query("SELECT credentials FROM sources WHERE name = 'GBIF'");
    expect(stored.rows[0].credentials).toMatch(/^v1:/);
    expect(stored.rows[0].credentials).not.toContain("s3cret");
  });

  it("imports an uploaded archive through the queue, lists its unmatched names, maps one, removes the source", async () => {
    const view = await (await getSources(apiRequest("GET", "/api/admin/sources", asAdmin))).json();
    const survey = view.sources.find((s: { name: string }) => s.name === "Survey");
    const file = await writeArchive(path.join(dir, "up.zip"), [
      { occurrenceID: "u-1", scientificName: "Gymnorhina tibicen", decimalLatitude: "-35", decimalLongitude: "149", eventDate: "2024-01-01" },
      { occurrenceID: "u-2", scientificName: "Gymnorhina dorsalis Campbell", decimalLatitude: "-31", decimalLongitude: "116", eventDate: "2024-01-02" },
    ]);
    const upload = (id: string, body: BodyInit, type = "application/zip") =>
      syncSource(new Request(`http://localhost/api/admin/sources/${id}/sync`, { method: "POST", body, headers: { cookie: admin.cookie, origin: "http://localhost", "content-type": type }, duplex: "half" } as RequestInit), params({ id }));
    const r = await upload(String(survey.id), fs.readFileSync(file));
    expect(r.status).toBe(202);
    expect((await upload("999", fs.readFileSync(file))).status).toBe(404);
    expect((await upload("1", fs.readFileSync(file))).status).toBe(409);
    const gbif = view.sources.find((s: { name: string }) => s.name === "GBIF");
    expect((await upload(String(gbif.id), fs.readFileSync(file))).status).toBe(400);

    const boss = await queue();
    const [job] = await boss.fetch<SourceSyncJob>(SOURCE_QUEUES.sync);
    expect(job.data).toMatchObject({ sourceId: survey.id, file: expect.stringContaining(path.join(dir, "sources", "uploads")) });
    await handleSourceSync(job.data);
    expect(fs.existsSync(job.data.file!)).toBe(false);
    const after = await (await getSources(apiRequest("GET", "/api/admin/sources", asAdmin))).json();
    expect(after.sources.find((s: { id: number }) => s.id === survey.id)).toMatchObject({ records: 1, lastRun: { status: "succeeded", added: 1, skipped: 1 } });
    expect(after.unmatched).toEqual([{ sourceId: survey.id, name: "Gymnorhina dorsalis Campbell", nameKey: "gymnorhina dorsalis", records: 1 }]);

    const map = (body: unknown) => mapName(apiRequest("POST", "/api/admin/sources/names", asAdmin, body));
    expect((await map({ name: "Gymnorhina dorsalis", speciesId: 999_999 })).status).toBe(404);
    expect((await map({ name: "", speciesId: magpie })).status).toBe(400);
    expect((await map({ name: "Gymnorhina dorsalis", speciesId: magpie })).status).toBe(204);
    expect((await (await getSources(apiRequest("GET", "/api/admin/sources", asAdmin))).json()).unmatched).toEqual([]);

    expect((await deleteSource(apiRequest("DELETE", "/api/admin/sources/1", asAdmin), params({ id: "1" }))).status).toBe(409);
    expect((await deleteSource(apiRequest("DELETE", "/api/admin/sources/x", asAdmin), params({ id: "x" }))).status).toBe(400);
    expect((await deleteSource(apiRequest("DELETE", `/api/admin/sources/${survey.id}`, asAdmin), params({ id: String(survey.id) }))).status).toBe(204);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM occurrences")).rows[0].n).toBe(0);
    expect((await deleteSource(apiRequest("DELETE", `/api/admin/sources/${survey.id}`, asAdmin), params({ id: String(survey.id) }))).status).toBe(404);
  });

  it("queues a GBIF source's sync without an upload (it fetches its own download)", async () => {
    const view = await (await getSources(apiRequest("GET", "/api/admin/sources", asAdmin))).json();
    const gbif = view.sources.find((s: { name: string }) => s.name === "GBIF");
    const r = await syncSource(apiRequest("POST", `/api/admin/sources/${gbif.id}/sync`, asAdmin, {}), params({ id: String(gbif.id) }));
    expect(r.status).toBe(202);
    const [job] = await (await queue()).fetch<SourceSyncJob>(SOURCE_QUEUES.sync);
    expect(job.data).toEqual({ sourceId: gbif.id });
  });
});
