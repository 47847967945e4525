/**
 * GET /api/events on a real database: which streams whom, what comes first, what a vetting sends,
 * and every refusal (bad query, unknown species, anonymous or non-admin on the admin stream,
 * one address over its cap).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, apiRequest, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { eventHub } from "@/lib/events";
import { SseReader } from "@/lib/events/sse-reader";
import { getSpecies } from "@/lib/species/detail";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { GET } from "./route";

useTestSecret();
process.env.EVENTS_MAX_PER_CLIENT = "2";

let db: TestDatabase;
let researcher: Actor, admin: Actor;
let speciesId: number;
const streams: AbortController[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  [researcher, admin] = await Promise.all([actor("researcher"), actor("admin")]);
  const { rows } = await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:route', 'Route bird') RETURNING id");
  speciesId = rows[0].id;
});
afterAll(async () => {
  for (const s of streams) s.abort();
  await eventHub().stop();
  await db?.drop();
});

function get(query: string, { cookie, address = "192.0.2.1", lastEventId }: { cookie?: string; address?: string; lastEventId?: string } = {}) {
  const controller = new AbortController();
  streams.push(controller);
  const headers: Record<string, string> = { "x-forwarded-for": address };
  if (lastEventId) headers["last-event-id"] = lastEventId;
  const base = apiRequest("GET", `/api/events${query}`, cookie ? { cookie } : null, undefined, headers);
  return GET(new Request(base, { signal: controller.signal }));
}

describe("GET /api/events", () => {
  it.each([
    ["", "nothing to follow"],
    ["?species=abc", "not an id"],
    [`?species=1&admin=sync`, "both"],
    ["?admin=all", "another admin stream"],
    ["?species=1&x=1", "an unknown parameter"],
  ])("answers 400 for %s (%s)", async (query) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_query" });
  });

  it("answers 404 for a species that does not exist", async () => {
    const response = await get("?species=999999");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });

  it("streams a species' snapshot, the same versions GET /api/species/{id} answers, then its vettings as they are made", async () => {
    const response = await get(`?species=${speciesId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toContain("no-transform");
    const reader = new SseReader(response.body!);
    const snapshot = await reader.next();
    const species = await getSpecies(speciesId);
    expect(JSON.parse(snapshot!.data)).toEqual({
      type: "snapshot",
      topic: `species:${speciesId}`,
      speciesId,
      dataVersion: species!.dataVersion,
      vettingsVersion: species!.vettingsVersion,
      reclassifying: false,
    });
    await db.pool.query(
      `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat)
       VALUES ($1, $2, 1, '{}', 150, -35, 151, -34)`,
      [speciesId, admin.id],
    );
    const event = await reader.nextOf("vettings");
    expect(JSON.parse(event!.data)).toMatchObject({ type: "vettings", speciesId });
    expect(event!.id).toMatch(/^[0-9a-f]+\.\d+$/);
    await reader.cancel();
  });

  it("keeps the admin stream for admins: 401 anonymous, 403 a researcher; an admin gets the sync snapshot and progress", async () => {
    const anonymous = await get("?admin=sync");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: "unauthenticated" });
    const notAdmin = await get("?admin=sync", { cookie: researcher.cookie });
    expect(notAdmin.status).toBe(403);
    expect(await notAdmin.json()).toMatchObject({ error: "forbidden" });

    const response = await get("?admin=sync", { cookie: admin.cookie });
    expect(response.status).toBe(200);
    const reader = new SseReader(response.body!);
    expect(JSON.parse((await reader.next())!.data)).toEqual({ type: "snapshot", topic: "admin:sync", run: null });
    const { rows } = await db.pool.query("INSERT INTO sync_runs (kind) VALUES ('full') RETURNING id");
    expect(JSON.parse((await reader.nextOf("sync"))!.data)).toMatchObject({ type: "sync", runId: rows[0].id, status: "queued" });
    await reader.cancel();
  });

  it("public streams never carry sync progress", async () => {
    const reader = new SseReader((await get(`?species=${speciesId}`, { address: "192.0.2.9" })).body!);
    await reader.next();
    await db.pool.query("UPDATE sync_runs SET status = 'failed', error = 'stopped by the test' WHERE status = 'queued'");
    await db.pool.query("UPDATE species SET data_version = data_version + 1 WHERE id = $1", [speciesId]);
    // The species event comes after the sync's was sent: had the sync's been on this stream, it would be first.
    expect((await reader.next())?.event).toBe("species");
    await reader.cancel();
  });

  it("answers 429 to an address over its cap, and not to another address", async () => {
    await get(`?species=${speciesId}`, { address: "198.51.100.7" });
    await get(`?species=${speciesId}`, { address: "198.51.100.7" });
    const third = await get(`?species=${speciesId}`, { address: "198.51.100.7" });
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: "too_many_streams" });
    expect(third.headers.get("retry-after")).toBe("30");
    expect((await get(`?species=${speciesId}`, { address: "198.51.100.8" })).status).toBe(200);
  });
});
