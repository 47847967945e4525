/**
 * The database's announcements (the live_events migration's triggers) heard through a real
 * LISTEN connection, fanned out by the hub, and served as SSE streams: replay, caps, idle ends,
 * and a lost connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { EventHub } from "./hub";
import { SseReader } from "./sse-reader";
import { eventStream } from "./stream";
import type { EdgarEvent, Snapshot } from "./types";

let db: TestDatabase;
let hub: EventHub;
let speciesId: number;
let authorId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  hub = new EventHub({ url: db.url, maxStreams: 3, maxPerClient: 2, bufferSize: 4 });
  await hub.start();
  const { rows } = await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:live', 'Live bird') RETURNING id");
  speciesId = rows[0].id;
  authorId = "author-1";
  await db.pool.query(`INSERT INTO "user" (id, name, email, role) VALUES ($1, 'A', 'a@example.org', 'expert')`, [authorId]);
});
afterAll(async () => {
  await hub?.stop();
  await db?.drop();
});

/** Collects the events of a topic the hub delivers. */
function collect(topic: `species:${number}` | "admin:sync") {
  const events: EdgarEvent[] = [];
  const waiters: (() => void)[] = [];
  const opened = hub.open(topic, `collector-${Math.random()}`, {
    deliver: (e) => {
      events.push(e);
      waiters.splice(0).forEach((w) => w());
    },
    reset: () => {},
  });
  if (!opened.ok) throw new Error(opened.reason);
  return {
    events,
    close: opened.close,
    async until(n: number) {
      while (events.length < n) await new Promise<void>((r) => waiters.push(r));
      return events;
    },
  };
}

const insertVetting = async () =>
  (
    await db.pool.query(
      `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat)
       VALUES ($1, $2, 1, '{}', 150, -35, 151, -34) RETURNING id`,
      [speciesId, authorId],
    )
  ).rows[0].id as number;

describe("the database announces", () => {
  it("vettings, the re-classification's end and a new data version of a species, with ids, never positions", async () => {
    const c = collect(`species:${speciesId}`);
    try {
      const vettingId = await insertVetting();
      await db.pool.query("UPDATE vettings SET comment = 'a comment' WHERE id = $1", [vettingId]);
      // What applyVettings does: consume the queue and move the version, in one transaction.
      await db.pool.query(
        `WITH gone AS (DELETE FROM vetting_changes WHERE species_id = $1) UPDATE species SET data_version = data_version + 1 WHERE id = $1`,
        [speciesId],
      );
      const events = await c.until(4);
      expect(events.map((e) => e.type)).toEqual(["vettings", "vettings", "species", "species"]);
      const species = events.filter((e) => e.type === "species");
      expect(species.every((e) => e.type === "species" && e.dataVersion === 2 && e.speciesId === speciesId)).toBe(true);
      const ids = events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const e of events) expect(Object.keys(e).sort()).toEqual(e.type === "vettings" ? ["id", "speciesId", "type"] : ["dataVersion", "id", "speciesId", "type"]);
    } finally {
      c.close();
    }
  });

  it("a rebuilt range, to the species' stream only", async () => {
    const { rows } = await db.pool.query("INSERT INTO species (guid, scientific_name) VALUES ('urn:other', 'Other bird') RETURNING id");
    const other = collect(`species:${rows[0].id}`);
    const c = collect(`species:${speciesId}`);
    try {
      await db.pool.query(
        `INSERT INTO species_distributions (species_id, include_contentious, data_version, vettings_version, build_ms, records_used, products, settings, range, cells)
         VALUES ($1, false, 2, 'x', 1, 0, '{}', '{}', '{}', '{}')`,
        [speciesId],
      );
      expect((await c.until(1))[0]).toMatchObject({ type: "distribution", speciesId, dataVersion: 2 });
      expect(other.events).toEqual([]);
    } finally {
      c.close();
      other.close();
    }
  });

  it("a model's new status or version, but not its fit's heartbeat", async () => {
    const c = collect(`species:${speciesId}`);
    try {
      await db.pool.query("INSERT INTO species_models (species_id, status) VALUES ($1, 1)", [speciesId]);
      await db.pool.query("UPDATE species_models SET status = 2, worker = 'host:1', heartbeat_at = now() WHERE species_id = $1", [speciesId]);
      await db.pool.query("UPDATE species_models SET heartbeat_at = now() WHERE species_id = $1", [speciesId]);
      await db.pool.query("UPDATE species_models SET status = 3, version = 1 WHERE species_id = $1", [speciesId]);
      const events = await c.until(3);
      await db.pool.query("SELECT pg_sleep(0.2)");
      expect(c.events).toHaveLength(3);
      expect(events.map((e) => e.type === "model" && e.version)).toEqual([0, 0, 1]);
      for (const e of events) expect(Object.keys(e).sort()).toEqual(["id", "speciesId", "type", "version"]);
    } finally {
      c.close();
    }
  });

  it("sync progress to the admin topic, but not the heartbeat alone", async () => {
    const c = collect("admin:sync");
    try {
      const { rows } = await db.pool.query("INSERT INTO sync_runs (kind) VALUES ('incremental') RETURNING id");
      const runId = rows[0].id;
      await db.pool.query("UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1", [runId]);
      await db.pool.query("UPDATE sync_runs SET status = 'running', phase = 'fetch', done = 5, total = 10 WHERE id = $1", [runId]);
      const events = await c.until(2);
      await db.pool.query("SELECT pg_sleep(0.2)");
      expect(c.events).toHaveLength(2);
      expect(events[0]).toMatchObject({ type: "sync", runId, status: "queued" });
      expect(events[1]).toMatchObject({ type: "sync", runId, status: "running", phase: "fetch", done: 5, total: 10 });
    } finally {
      c.close();
    }
  });
});

const speciesSnapshot = async (): Promise<Snapshot> => ({ type: "snapshot", topic: `species:${speciesId}`, speciesId, dataVersion: 0, vettingsVersion: "", reclassifying: false });

function open(options: { clientKey?: string; lastEventId?: string | null; idleMs?: number; signal?: AbortSignal } = {}) {
  return eventStream({
    hub,
    topic: `species:${speciesId}`,
    clientKey: options.clientKey ?? "client-a",
    lastEventId: options.lastEventId ?? null,
    snapshot: speciesSnapshot,
    idleMs: options.idleMs ?? 60_000,
    heartbeatMs: 60_000,
    signal: options.signal ?? new AbortController().signal,
  });
}

describe("an event stream", () => {
  it("starts with a snapshot, then carries events; reconnecting with Last-Event-ID replays what was missed, without a snapshot", async () => {
    const first = new AbortController();
    const reader = new SseReader((await open({ signal: first.signal })).body!);
    const snapshot = await reader.next();
    expect(snapshot?.event).toBe("snapshot");
    await insertVetting();
    const live = await reader.nextOf("vettings");
    expect(JSON.parse(live!.data)).toMatchObject({ type: "vettings", speciesId });
    first.abort();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.counts("client-a").client).toBe(0);

    // Two changes while away; then back with the last id seen.
    const c = collect(`species:${speciesId}`);
    await insertVetting();
    await insertVetting();
    await c.until(2);
    c.close();
    const again = new SseReader((await open({ lastEventId: live!.id! })).body!);
    const missed = [await again.next(), await again.next()];
    expect(missed.map((m) => m?.event)).toEqual(["vettings", "vettings"]);
    expect(missed.map((m) => JSON.parse(m!.data).id)).toEqual(c.events.map((e) => e.id));
    await again.cancel();

    // A cursor older than the kept events (4 here), or from elsewhere, gets a snapshot instead.
    const stale = new SseReader((await open({ lastEventId: "000000000000.1" })).body!);
    expect((await stale.next())?.event).toBe("snapshot");
    await stale.cancel();
  });

  it("refuses a client over its cap (429) and anyone over the process's (503), and frees places when streams end", async () => {
    const a1 = new AbortController();
    const a2 = new AbortController();
    const b1 = new AbortController();
    await open({ clientKey: "capped", signal: a1.signal });
    await open({ clientKey: "capped", signal: a2.signal });
    await expect(open({ clientKey: "capped" })).rejects.toMatchObject({ status: 429, code: "too_many_streams" });
    await open({ clientKey: "other", signal: b1.signal });
    await expect(open({ clientKey: "third" })).rejects.toMatchObject({ status: 503, code: "streams_full" });
    a1.abort();
    a2.abort();
    b1.abort();
    expect(hub.counts().total).toBe(0);
    const again = new AbortController();
    await open({ clientKey: "capped", signal: again.signal });
    again.abort();
  });

  it("ends after idleMs without an event", async () => {
    const reader = new SseReader((await open({ idleMs: 200 })).body!);
    expect((await reader.next())?.event).toBe("snapshot");
    expect(await reader.next()).toBeNull();
    expect(hub.counts().total).toBe(0);
  });

  it("ends every stream when the listening connection is lost, and refuses new ones until it is back", async () => {
    const reader = new SseReader((await open()).body!);
    expect((await reader.next())?.event).toBe("snapshot");
    const cursorBefore = hub.cursor();
    await db.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'edgar-events' AND datname = current_database()");
    expect(await reader.next()).toBeNull();
    // Back within the listener's retry delay; the old cursors no longer replay.
    while (hub.counts().total === 0) {
      try {
        const r = new SseReader((await open()).body!);
        expect((await r.next())?.event).toBe("snapshot");
        await r.cancel();
        break;
      } catch (err) {
        expect(err).toMatchObject({ status: 503, code: "events_unavailable" });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(hub.since(`species:${speciesId}`, cursorBefore)).toBeNull();
  });
});
