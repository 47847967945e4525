import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { startVettingReceiver, type VettingReceiver } from "@/lib/simulator/vetting-receiver";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { pushDueVettings, pushOverview, pushSettings, pushStatuses, startVettingPusher, type PushSettings } from "./push";
import { insertSpecies, insertUser, insertVetting } from "./test-fixtures";
import { getVetting, listAuthorVettings } from "./vettings";

const API_KEY = "edgar-push-test-key";
let db: TestDatabase;
let receiver: VettingReceiver;
let settings: PushSettings;
let speciesId: number;

beforeAll(async () => {
  // Pushing on, for getVetting's alaPush (the process's config is read once, on first use).
  Object.assign(process.env, { ALA_VETTING_URL: "http://127.0.0.1:9/ws/vettings", ALA_VETTING_API_KEY: API_KEY });
  db = await createTestDatabase();
  speciesId = await insertSpecies(db.pool, "Cacatua galerita");
  await insertUser(db.pool, "ada", "expert");
});
afterAll(() => db.drop());

beforeEach(async () => {
  receiver = await startVettingReceiver({ apiKey: API_KEY });
  // Retries due at once, so a round after the receiver is back up sends.
  settings = { url: receiver.url, apiKey: API_KEY, retryBaseMs: 0, retryMaxMs: 0, timeoutMs: 5_000 };
  await db.pool.query("DELETE FROM vetting_outbox");
});
afterEach(() => receiver.close());

const state = async (id: number) =>
  (await db.pool.query("SELECT state, version, remote_known, attempts, last_error, refused_reason FROM vetting_outbox WHERE vetting_id = $1", [id])).rows[0];

describe("pushing vettings to the ALA's vetting service", () => {
  it("sends a new vetting as the /ws/vettings JSON with WKT, then its change, then its deletion", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 142, -28));
    await db.pool.query("UPDATE vettings SET comment = 'seen by ada', range_qualifier = 3 WHERE id = $1", [id]);
    expect(await state(id)).toMatchObject({ state: "pending", remote_known: false });

    expect(await pushDueVettings(settings)).toEqual({ sent: 1, refused: 0, failed: 0 });
    const first = receiver.vettings.get(id)!;
    expect(first.body).toMatchObject({
      apiKey: API_KEY,
      id,
      status: "new",
      species: "Cacatua galerita",
      classification: "known_valid",
      rangeQualifier: "vagrant",
      comment: "seen by ada",
      user: { email: "ada@example.org", name: "User ada" },
    });
    expect((first.body as { area: string }).area).toMatch(/^POLYGON\(\(140 -30,/);
    expect(await state(id)).toMatchObject({ state: "sent", remote_known: true });
    // Nothing more is due.
    expect(await pushDueVettings(settings)).toEqual({ sent: 0, refused: 0, failed: 0 });

    await db.pool.query("UPDATE vettings SET classification = 4, range_qualifier = NULL, updated_at = now() WHERE id = $1", [id]);
    await pushDueVettings(settings);
    expect(receiver.vettings.get(id)!.body).toMatchObject({ status: "modified", classification: "known_invalid", rangeQualifier: null });

    await db.pool.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [id]);
    await pushDueVettings(settings);
    expect(receiver.vettings.get(id)!.body).toMatchObject({ status: "deleted", id, species: "Cacatua galerita" });
    expect(await state(id)).toMatchObject({ state: "sent" });
    expect(receiver.log.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("keeps pushes pending while the receiver is down and delivers them once it is back", async () => {
    const ids = [
      await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29)),
      await insertVetting(db.pool, speciesId, "ada", 4, squarePolygon(143, -30, 144, -29)),
    ];
    receiver.down = true;
    for (let round = 1; round <= 3; round++) {
      expect(await pushDueVettings(settings)).toEqual({ sent: 0, refused: 0, failed: 2 });
      expect(await state(ids[0])).toMatchObject({ state: "pending", attempts: round, last_error: expect.stringContaining("HTTP 503") });
    }
    // The second one is deleted while the service is down: it was never delivered, so nothing is sent for it.
    await db.pool.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [ids[1]]);
    receiver.down = false;
    expect(await pushDueVettings(settings)).toEqual({ sent: 2, refused: 0, failed: 0 });
    expect(receiver.vettings.get(ids[0])!.status).toBe("new");
    expect(receiver.vettings.has(ids[1])).toBe(false);
    expect(await state(ids[0])).toMatchObject({ state: "sent", attempts: 0, last_error: null });
    expect(await state(ids[1])).toMatchObject({ state: "sent", remote_known: false });
  });

  it("waits longer after each failure (back-off) before trying again", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    receiver.down = true;
    const slow = { ...settings, retryBaseMs: 60_000, retryMaxMs: 600_000 };
    await pushDueVettings(slow);
    const wait = async () =>
      (await db.pool.query<{ s: number }>("SELECT extract(epoch FROM next_attempt_at - now())::float AS s FROM vetting_outbox WHERE vetting_id = $1", [id])).rows[0].s;
    const first = await wait();
    expect(first).toBeGreaterThan(50);
    // Not due yet: nothing is sent.
    expect(await pushDueVettings(slow)).toEqual({ sent: 0, refused: 0, failed: 0 });
    // Due now, as the column stores it at worst: milliseconds rounded up.
    await db.pool.query("UPDATE vetting_outbox SET next_attempt_at = date_trunc('milliseconds', now()) + interval '1 millisecond' WHERE vetting_id = $1", [id]);
    expect(await pushDueVettings(slow)).toEqual({ sent: 0, refused: 0, failed: 1 });
    expect(await wait()).toBeGreaterThan(first + 50);
  });

  it("records a refusal with the service's reason, and a later change is pushed again", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    receiver.unknownSpecies.add("Cacatua galerita");
    expect(await pushDueVettings(settings)).toEqual({ sent: 0, refused: 1, failed: 0 });
    expect(await state(id)).toMatchObject({ state: "refused", refused_reason: 'HTTP 400: No species named "Cacatua galerita".' });
    expect(await pushDueVettings(settings)).toEqual({ sent: 0, refused: 0, failed: 0 });
    expect((await pushStatuses([id])).get(id)).toMatchObject({ state: "refused", refusedReason: expect.stringContaining("No species") });

    receiver.unknownSpecies.clear();
    await db.pool.query("UPDATE vettings SET comment = 'try again' WHERE id = $1", [id]);
    expect(await pushDueVettings(settings)).toEqual({ sent: 1, refused: 0, failed: 0 });
    expect(receiver.vettings.get(id)!.body).toMatchObject({ status: "new", comment: "try again" });
  });

  it("is refused with the reason when the API key is wrong, and sends nothing more for it", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    await pushDueVettings({ ...settings, apiKey: "wrong" });
    expect(await state(id)).toMatchObject({ state: "refused", refused_reason: "HTTP 403: Unknown apiKey." });
    expect(receiver.vettings.size).toBe(0);
  });

  it("retries a timeout, and a network failure, rather than losing the push", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    await receiver.close();
    expect(await pushDueVettings(settings)).toEqual({ sent: 0, refused: 0, failed: 1 });
    expect(await state(id)).toMatchObject({ state: "pending", attempts: 1 });
    receiver = await startVettingReceiver({ apiKey: API_KEY });
    receiver.beforeAnswer = () => new Promise((r) => setTimeout(r, 1_000));
    expect(await pushDueVettings({ ...settings, url: receiver.url, timeoutMs: 200 })).toEqual({ sent: 0, refused: 0, failed: 1 });
    expect(await state(id)).toMatchObject({ state: "pending", attempts: 2 });
    receiver.beforeAnswer = null;
    expect(await pushDueVettings({ ...settings, url: receiver.url })).toEqual({ sent: 1, refused: 0, failed: 0 });
    // The timed-out push reached the service too: the repeat is the same change, stored once.
    expect(receiver.vettings.size).toBe(1);
    expect(receiver.vettings.get(id)!.status).toBe("new");
  });

  it("a change made while its push is under way stays pending and goes next, as modified", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    receiver.beforeAnswer = async () => {
      receiver.beforeAnswer = null;
      await db.pool.query("UPDATE vettings SET classification = 4, updated_at = now() WHERE id = $1", [id]);
    };
    await pushDueVettings(settings);
    expect(await state(id)).toMatchObject({ state: "pending", remote_known: true, version: 2 });
    await pushDueVettings(settings);
    expect(receiver.vettings.get(id)!.body).toMatchObject({ status: "modified", classification: "known_invalid" });
    expect(await state(id)).toMatchObject({ state: "sent" });
  });

  it("a vetting erased from the table after it was sent is pushed as deleted", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    await pushDueVettings(settings);
    await db.pool.query("DELETE FROM vettings WHERE id = $1", [id]);
    await pushDueVettings(settings);
    expect(receiver.vettings.get(id)!.body).toMatchObject({ status: "deleted", species: null });
  });

  it("does not queue a change the ALA would not see (raw JSON only), nor a source account's vettings", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    await pushDueVettings(settings);
    await db.pool.query("UPDATE vettings SET raw = '{}'::jsonb WHERE id = $1", [id]);
    expect(await state(id)).toMatchObject({ state: "sent", version: 1 });

    await db.pool.query(`INSERT INTO "user" (id, name, email, role, kind) VALUES ('birdlife', 'BirdLife Australia', 'birdlife@source.invalid', 'expert', 'source')`);
    const imported = await insertVetting(db.pool, speciesId, "birdlife", 1, squarePolygon(140, -30, 141, -29));
    expect(await state(imported)).toBeUndefined();
  });

  it("shows each vetting's push state in its detail, with the reason of a refusal", async () => {
    const id = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    expect((await getVetting(id))!.alaPush).toEqual({ state: "pending", reason: null, sentAt: null });
    await pushDueVettings(settings);
    expect((await getVetting(id))!.alaPush).toEqual({ state: "sent", reason: null, sentAt: expect.any(String) });
    receiver.unknownSpecies.add("Cacatua galerita");
    await db.pool.query("UPDATE vettings SET comment = 'again' WHERE id = $1", [id]);
    await pushDueVettings(settings);
    const mine = (await listAuthorVettings("ada")).find((v) => v.id === id)!;
    expect(mine.alaPush).toMatchObject({ state: "refused", reason: 'HTTP 400: No species named "Cacatua galerita".' });
  });

  it("summarises pending, sent and refused for the admin console", async () => {
    const sent = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 141, -29));
    await pushDueVettings(settings);
    receiver.down = true;
    const pending = await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(142, -30, 143, -29));
    await pushDueVettings(settings);
    const overview = await pushOverview(settings);
    expect(overview).toMatchObject({ configured: true, url: receiver.url, counts: { pending: 1, sent: 1, refused: 0 } });
    expect(overview.outstanding).toEqual([expect.objectContaining({ vettingId: pending, state: "pending", species: "Cacatua galerita", lastError: expect.stringContaining("503") })]);
    expect(overview.outstanding.some((o) => o.vettingId === sent)).toBe(false);
  });
});

describe("the worker's push-vettings job", () => {
  beforeEach(async () => {
    receiver = await startVettingReceiver({ apiKey: API_KEY });
    settings = { url: receiver.url, apiKey: API_KEY, retryBaseMs: 0, retryMaxMs: 0, timeoutMs: 5_000 };
  });
  afterEach(() => receiver.close());

  it("keeps sending what falls due, a backlog of more than one batch included, until stopped", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 60; i++) ids.push(await insertVetting(db.pool, speciesId, "ada", 1, squarePolygon(140, -30, 140.5 + i / 100, -29)));
    const stop = startVettingPusher(settings, 20);
    try {
      await expect.poll(() => ids.every((id) => receiver.vettings.has(id)), { timeout: 20_000 }).toBe(true);
      const later = await insertVetting(db.pool, speciesId, "ada", 4, squarePolygon(145, -30, 146, -29));
      await expect.poll(() => receiver.vettings.get(later)?.status, { timeout: 20_000 }).toBe("new");
    } finally {
      await stop();
    }
    const stopped = await insertVetting(db.pool, speciesId, "ada", 4, squarePolygon(147, -30, 148, -29));
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.vettings.has(stopped)).toBe(false);
  });
});

describe("push settings", () => {
  it("are off unless both the URL and the key are set, and one without the other is a configuration error", () => {
    expect(pushSettings(parseConfig({}))).toBeNull();
    expect(pushSettings(parseConfig({ ALA_VETTING_URL: "https://vetting.example.org/ws/vettings", ALA_VETTING_API_KEY: "k" }))).toMatchObject({
      url: "https://vetting.example.org/ws/vettings",
      apiKey: "k",
    });
    expect(() => parseConfig({ ALA_VETTING_URL: "https://vetting.example.org/ws" })).toThrow(/ALA_VETTING_URL and ALA_VETTING_API_KEY must be set together/);
    expect(() => parseConfig({ ALA_VETTING_URL: "ftp://x", ALA_VETTING_API_KEY: "k" })).toThrow(/ALA_VETTING_URL/);
  });
});
