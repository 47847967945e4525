/**
 * The admin API on a real database, a real job queue (pg-boss) and the ALA simulator: who may call
 * it (anonymous, researcher, expert, admin; session cookie and API key), syncs started, run by the
 * worker's handler and read back as the contract's SyncRun, the count check, the schedule as
 * pg-boss holds it, users with the last-admin rule, and API keys stored only as hashes.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { actor, apiRequest, params, useTestSecret, type Actor, type Credentials } from "@/lib/auth/test-support";
import { handleSync } from "@/lib/jobs/handlers";
import { queue, QUEUES, stopQueue, type SyncJob } from "@/lib/jobs/queue";
import { startSimulator, type Simulator } from "@/lib/simulator";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { DELETE as deleteKey } from "./keys/[id]/route";
import { GET as getKeys, POST as postKey } from "./keys/route";
import { GET as getSchedule, PUT as putSchedule } from "./schedule/route";
import { GET as getCountCheck } from "./sync/[runId]/species/route";
import { GET as getSync, POST as postSync } from "./sync/route";
import { PATCH as patchUser } from "./users/[id]/route";
import { GET as getUsers } from "./users/route";

useTestSecret();

const RETRIES = 2;
const DEFAULT_CRON = "0 3 * * *";

let sim: Simulator;
let db: TestDatabase;
let researcher: Actor, expert: Actor, admin: Actor;

beforeAll(async () => {
  sim = await startSimulator({ records: 600, seed: 23 });
  // The worker's handler uses the configured ALA client: point it at the simulator, retrying at once.
  Object.assign(process.env, {
    ALA_BIOCACHE_URL: sim.url,
    ALA_IMAGES_URL: sim.url,
    SYNC_RETRY_BASE_MS: "1",
    SYNC_RETRIES: String(RETRIES),
    SYNC_REQUEST_TIMEOUT_MS: "5000",
    SYNC_CRON: DEFAULT_CRON,
  });
  delete process.env.TZ;
  db = await createTestDatabase();
  [researcher, expert, admin] = await Promise.all([actor("researcher"), actor("expert"), actor("admin")]);
});
afterAll(async () => {
  await stopQueue();
  await sim?.close();
  await db?.drop();
});

// ---- calling the routes as a browser page (cookie) or a tool (Bearer key) would ----

const get = {
  sync: (c: Credentials, query = "") => getSync(apiRequest("GET", `/api/admin/sync${query}`, c)),
  countCheck: (c: Credentials, runId: string) => getCountCheck(apiRequest("GET", `/api/admin/sync/${runId}/species`, c), params({ runId })),
  schedule: (c: Credentials) => getSchedule(apiRequest("GET", "/api/admin/schedule", c)),
  users: (c: Credentials) => getUsers(apiRequest("GET", "/api/admin/users", c)),
  keys: (c: Credentials, query = "") => getKeys(apiRequest("GET", `/api/admin/keys${query}`, c)),
};
type Headers = Record<string, string>;
const write = {
  sync: (c: Credentials, body: unknown, h?: Headers) => postSync(apiRequest("POST", "/api/admin/sync", c, body, h)),
  schedule: (c: Credentials, body: unknown, h?: Headers) => putSchedule(apiRequest("PUT", "/api/admin/schedule", c, body, h)),
  user: (c: Credentials, id: string, body: unknown, h?: Headers) => patchUser(apiRequest("PATCH", `/api/admin/users/${id}`, c, body, h), params({ id })),
  newKey: (c: Credentials, body: unknown, h?: Headers) => postKey(apiRequest("POST", "/api/admin/keys", c, body, h)),
  revokeKey: (c: Credentials, id: number | string, h?: Headers) => deleteKey(apiRequest("DELETE", `/api/admin/keys/${id}`, c, undefined, h), params({ id: String(id) })),
};

const cookie = (a: Actor): Credentials => ({ cookie: a.cookie });
const bearer = (a: Actor): Credentials => ({ bearer: a.key });

async function expectError(response: Response, status: number, error?: string) {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(body).toEqual({ error: expect.any(String), message: expect.any(String) });
  if (error) expect(body.error).toBe(error);
  return body as { error: string; message: string };
}

/** Everything an admin write can change, to prove a refused one changed nothing. */
async function state() {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM sync_runs) AS runs,
            (SELECT cron FROM sync_state) AS cron,
            (SELECT string_agg(id || ':' || role || ':' || disabled, ',' ORDER BY id) FROM "user") AS users,
            (SELECT string_agg(id || ':' || coalesce(revoked_at::text, 'live'), ',' ORDER BY id) FROM api_keys) AS keys`,
  );
  const jobs = await db.pool.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1", [QUEUES.sync]).catch(() => ({ rows: [{ n: 0 }] }));
  return { ...rows[0], jobs: jobs.rows[0].n };
}

const iso = z.iso.datetime();
/** The contract's SyncRun, plus the console's extra fields: exactly these keys. */
const syncRunSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(["incremental", "full"]),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    startedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    since: iso.nullable(),
    progress: z.object({ phase: z.string(), done: z.number().int(), total: z.number().int(), message: z.string().nullable() }).strict(),
    counts: z.object({ added: z.number().int(), updated: z.number().int(), deleted: z.number().int(), skipped: z.number().int() }).strict(),
    remoteTotal: z.number().int().nullable(),
    localTotal: z.number().int().nullable(),
    error: z.string().nullable(),
    trigger: z.string(),
    queuedAt: iso,
    heartbeatAt: iso.nullable(),
    skippedByReason: z.record(z.string(), z.number()),
    errorDetail: z.unknown(),
    warnings: z.array(
      z
        .object({ guid: z.string(), name: z.string().nullable(), remote: z.number().int(), local: z.number().int(), malformed: z.number().int(), reason: z.enum(["differs", "malformed"]) })
        .strict(),
    ),
    requestedBy: z.object({ id: z.string(), email: z.string() }).strict().nullable(),
    failingRequest: z.object({ url: z.string(), status: z.number().nullable(), attempts: z.number(), cause: z.string().optional() }).strict().nullable(),
  })
  .strict();
const overviewSchema = z.object({ current: syncRunSchema.nullable(), history: z.array(syncRunSchema) }).strict();

async function overview(query = "") {
  const response = await get.sync(cookie(admin), query);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return overviewSchema.parse(await response.json());
}

/** A job the worker would take: what POST /api/admin/sync queued. */
async function takeSyncJob(): Promise<number> {
  const jobs = await (await queue()).fetch<SyncJob>(QUEUES.sync);
  expect(jobs).toHaveLength(1);
  return jobs[0].data.runId;
}

const localCount = async () => (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM occurrences")).rows[0].n;

describe("the permission matrix", () => {
  const everyEndpoint = () => [
    { name: "GET sync", call: (c: Credentials) => get.sync(c) },
    { name: "POST sync", call: (c: Credentials, h?: Headers) => write.sync(c, { kind: "incremental" }, h), write: true },
    { name: "GET count check", call: (c: Credentials) => get.countCheck(c, "latest") },
    { name: "GET schedule", call: (c: Credentials) => get.schedule(c) },
    { name: "PUT schedule", call: (c: Credentials, h?: Headers) => write.schedule(c, { cron: "5 4 * * *" }, h), write: true },
    { name: "GET users", call: (c: Credentials) => get.users(c) },
    // Promoting oneself is exactly what a researcher must not be able to do.
    { name: "PATCH user", call: (c: Credentials, h?: Headers) => write.user(c, researcher.id, { role: "admin" }, h), write: true },
    { name: "GET keys", call: (c: Credentials) => get.keys(c) },
    { name: "POST key", call: (c: Credentials, h?: Headers) => write.newKey(c, { userId: researcher.id }, h), write: true },
    { name: "DELETE key", call: (c: Credentials, h?: Headers) => write.revokeKey(c, 1, h), write: true },
  ];

  it("anonymous callers get 401, researchers and experts 403 (cookie or key), and nothing changes", async () => {
    const before = await state();
    for (const endpoint of everyEndpoint()) {
      await expectError(await endpoint.call(null), 401, "unauthenticated");
      for (const who of [researcher, expert]) {
        for (const credentials of [cookie(who), bearer(who)]) {
          const body = await expectError(await endpoint.call(credentials), 403, "forbidden");
          expect(body.message, endpoint.name).toMatch(/admin/);
        }
      }
      await expectError(await endpoint.call({ bearer: "edgar_not-a-key" }), 401, "invalid_api_key");
    }
    expect(await state()).toEqual(before);
  });

  it("an admin's session from another site cannot write; the same admin's key can read", async () => {
    const before = await state();
    for (const endpoint of everyEndpoint().filter((e) => e.write)) {
      await expectError(await endpoint.call(cookie(admin), { origin: "https://evil.example" }), 403, "cross_site_request");
      await expectError(await endpoint.call(cookie(admin), { "sec-fetch-site": "cross-site" }), 403, "cross_site_request");
    }
    expect(await state()).toEqual(before);
    for (const endpoint of everyEndpoint().filter((e) => !e.write)) {
      expect((await endpoint.call(bearer(admin))).status, endpoint.name).toBe(200);
      expect((await endpoint.call(cookie(admin))).status, endpoint.name).toBe(200);
    }
  });
});

describe("syncs: POST and GET /api/admin/sync", () => {
  let fullRunId: number;

  it("starts with no runs", async () => {
    expect(await overview()).toEqual({ current: null, history: [] });
  });

  it("refuses malformed bodies with 400 and queues nothing", async () => {
    const before = await state();
    await expectError(await write.sync(cookie(admin), "{kind: full"), 400, "invalid_json");
    for (const body of [{}, { kind: "weekly" }, { kind: "full", species: "x" }, [], "full", null]) {
      await expectError(await write.sync(cookie(admin), JSON.stringify(body)), 400, "invalid_body");
    }
    expect(await state()).toEqual(before);
  });

  it("queues a run for the worker (202), and answers 409 while it is queued", async () => {
    const response = await write.sync(cookie(admin), { kind: "full" });
    expect(response.status).toBe(202);
    const { runId } = await response.json();
    fullRunId = runId;
    const { rows } = await db.pool.query("SELECT kind, status, trigger, requested_by_id FROM sync_runs");
    expect(rows).toEqual([{ kind: "full", status: "queued", trigger: "admin", requested_by_id: admin.id }]);
    expect(await takeSyncJob()).toBe(runId);

    const again = await expectError(await write.sync(bearer(admin), { kind: "incremental" }), 409, "sync_running");
    expect(again.message).toContain(String(runId));
    expect((await db.pool.query("SELECT count(*)::int AS n FROM sync_runs")).rows[0].n).toBe(1);

    const { current, history } = await overview();
    expect(history).toEqual([]);
    expect(current).toMatchObject({
      id: runId,
      kind: "full",
      status: "queued",
      trigger: "admin",
      startedAt: null,
      finishedAt: null,
      requestedBy: { id: admin.id, email: admin.email },
      failingRequest: null,
    });
  });

  it("once the worker ran it, it is in the history with its counts, and local equals remote", async () => {
    const result = await handleSync({ runId: fullRunId });
    expect(result?.status).toBe("succeeded");
    const local = await localCount();
    expect(local).toBeGreaterThan(0);

    const { current, history } = await overview();
    expect(current).toBeNull();
    expect(history).toHaveLength(1);
    const run = history[0];
    expect(run).toMatchObject({
      id: fullRunId,
      kind: "full",
      status: "succeeded",
      since: null,
      counts: { added: local, updated: 0, deleted: 0 },
      remoteTotal: local,
      localTotal: local,
      error: null,
      failingRequest: null,
      progress: { phase: "done" },
    });
    expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt!));
  });

  it("a run whose ALA requests keep failing shows as failed, with its reason and the failing request", async () => {
    sim.faults.set({ rules: [{ mode: "500", rate: 1 }] });
    try {
      const response = await write.sync(bearer(admin), { kind: "incremental" });
      expect(response.status).toBe(202);
      const runId = await takeSyncJob();
      expect((await handleSync({ runId }))?.status).toBe("failed");

      const [run] = (await overview()).history;
      expect(run).toMatchObject({ id: runId, status: "failed", kind: "incremental", error: expect.stringMatching(/500/) });
      expect(run.failingRequest).toMatchObject({ status: 500, attempts: RETRIES + 1 });
      expect(run.failingRequest!.url.startsWith(sim.url)).toBe(true);
    } finally {
      sim.faults.clear();
    }
  });

  it("the next run succeeds", async () => {
    expect((await write.sync(cookie(admin), { kind: "incremental" })).status).toBe(202);
    const runId = await takeSyncJob();
    expect((await handleSync({ runId }))?.status).toBe("succeeded");
    const { history } = await overview();
    expect(history.map((r) => r.status)).toEqual(["succeeded", "failed", "succeeded"]);
    expect(history[0]).toMatchObject({ id: runId, counts: { added: 0, updated: 0, deleted: 0 }, localTotal: await localCount() });
  });

  it("pages the history newest first, and refuses bad paging parameters", async () => {
    const all = (await overview()).history.map((r) => r.id);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect((await overview("?limit=1")).history.map((r) => r.id)).toEqual([all[0]]);
    expect((await overview(`?limit=2&before=${all[0]}`)).history.map((r) => r.id)).toEqual(all.slice(1, 3));
    expect((await overview(`?before=${all.at(-1)}`)).history).toEqual([]);
    for (const query of ["?limit=0", "?limit=101", "?limit=ten", "?before=-3", "?before=1.5", "?page=2"]) {
      await expectError(await get.sync(cookie(admin), query), 400, "invalid_query");
    }
  });
});

describe("the count check: GET /api/admin/sync/{runId|latest}/species", () => {
  const check = async (runId: string) => {
    const response = await get.countCheck(cookie(admin), runId);
    expect(response.status).toBe(200);
    return response.json();
  };

  it("of the latest checked run: every species, remote against local, all matching after a successful sync", async () => {
    const { history } = await overview();
    const body = await check("latest");
    expect(body.run.id).toBe(history[0].id);
    expect(body.summary.mismatched).toBe(0);
    expect(body.summary.unchecked).toBe(0);
    expect(body.summary.species).toBe(body.species.length);
    expect(body.species.length).toBeGreaterThan(1);
    for (const s of body.species) expect(s).toMatchObject({ status: "matching", difference: 0, remoteCount: s.localCount });
    const { rows } = await db.pool.query<{ guid: string; n: number }>(
      "SELECT s.guid, count(o.id)::int AS n FROM species s JOIN occurrences o ON o.species_id = s.id GROUP BY s.guid",
    );
    const stored = new Map(rows.map((r) => [r.guid, r.n]));
    for (const s of body.species.filter((x: { localCount: number }) => x.localCount > 0)) expect(stored.get(s.guid)).toBe(s.localCount);
    expect(body.species[0]).toEqual({
      guid: expect.any(String),
      speciesId: expect.any(Number),
      scientificName: expect.any(String),
      commonName: expect.toBeOneOf([expect.any(String), null]),
      remoteCount: expect.any(Number),
      localCount: expect.any(Number),
      difference: 0,
      status: "matching",
    });
  });

  it("lists mismatched species first (largest difference first), then unchecked ones, then matching ones", async () => {
    const { rows } = await db.pool.query<{ id: number }>(
      "INSERT INTO sync_runs (kind, status, trigger, started_at, finished_at) VALUES ('incremental', 'failed', 'schedule', now(), now()) RETURNING id",
    );
    const runId = rows[0].id;
    const entries: [string, number | null, number | null, string][] = [
      ["urn:a", 10, 10, "reconciled"],
      ["urn:b", 10, 7, "reconciled"],
      ["urn:c", 5, 12, "reconciled"],
      ["urn:d", 3, null, "pending"],
      ["urn:e", 0, 0, "reconciled"],
      ["urn:f", 4, null, "fetched"],
    ];
    for (const [guid, remote, local, stateName] of entries) {
      await db.pool.query("INSERT INTO sync_run_species (run_id, species_guid, remote_count, local_count, state) VALUES ($1, $2, $3, $4, $5)", [
        runId,
        guid,
        remote,
        local,
        stateName,
      ]);
    }
    for (const ref of [String(runId), "latest"]) {
      const body = await check(ref);
      expect(body.run).toMatchObject({ id: runId, status: "failed" });
      expect(body.summary).toEqual({ species: 6, matching: 2, mismatched: 2, unchecked: 2 });
      expect(body.species.map((s: { guid: string; status: string; difference: number | null }) => [s.guid, s.status, s.difference])).toEqual([
        ["urn:c", "mismatched", 7],
        ["urn:b", "mismatched", -3],
        ["urn:d", "unchecked", null],
        ["urn:f", "unchecked", null],
        ["urn:a", "matching", 0],
        ["urn:e", "matching", 0],
      ]);
      // Before its check, a row holds the changed records' count, not the species' total: not shown as one.
      expect(body.species[2]).toMatchObject({ remoteCount: null, localCount: null, speciesId: null, scientificName: null });
    }
  });

  it("404 for an unknown run, 400 for something that is no run id", async () => {
    await expectError(await get.countCheck(cookie(admin), "999999"), 404, "unknown_run");
    for (const bad of ["abc", "0", "-1", "1.5", "latest2", " 1", "1e0", "0x1", "2147483648"]) await expectError(await get.countCheck(cookie(admin), bad), 400, "invalid_run");
  });
});

describe("the schedule: GET and PUT /api/admin/schedule", () => {
  const read = async () => {
    const response = await get.schedule(cookie(admin));
    expect(response.status).toBe(200);
    return response.json();
  };
  const put = (body: unknown) => write.schedule(cookie(admin), body);
  /** What pg-boss will run: the scheduled-sync entry, or undefined when there is none. */
  const inBoss = async () => (await (await queue()).getSchedules()).find((s) => s.name === QUEUES.scheduledSync);
  const stored = async () => (await db.pool.query("SELECT cron FROM sync_state")).rows[0].cron;

  it("is SYNC_CRON until an admin changes it, with the next run time", async () => {
    const schedule = await read();
    expect(schedule).toEqual({ cron: DEFAULT_CRON, source: "env", defaultCron: DEFAULT_CRON, timeZone: "UTC", nextRunAt: expect.any(String) });
    const next = new Date(schedule.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([3, 0, 0]);
  });

  it("a change is stored and is what pg-boss runs; the expression is normalised", async () => {
    const response = await put({ cron: "  */15   * * * 1-5 " });
    expect(response.status).toBe(200);
    const schedule = await response.json();
    expect(schedule).toMatchObject({ cron: "*/15 * * * 1-5", source: "admin", defaultCron: DEFAULT_CRON });
    expect(new Date(schedule.nextRunAt).getUTCMinutes() % 15).toBe(0);
    expect(await read()).toEqual(schedule);
    expect(await stored()).toBe("*/15 * * * 1-5");
    expect(await inBoss()).toMatchObject({ cron: "*/15 * * * 1-5", timezone: "UTC" });
  });

  it("an invalid expression is a 400 that says why, and changes nothing (neither the database nor pg-boss)", async () => {
    const before = { schedule: await read(), stored: await stored(), boss: await inBoss() };
    for (const cron of ["61 * * * *", "* * * *", "* * * * * *", "every day", "0 3 * * 8", "@daily"]) {
      const body = await expectError(await put({ cron }), 400, "invalid_cron");
      expect(body.message).toContain(cron);
    }
    for (const body of [{}, { cron: 5 }, { cron: "0 3 * * *", extra: true }, { cron: "0".repeat(201) }]) await expectError(await put(body), 400, "invalid_body");
    await expectError(await put("{cron"), 400, "invalid_json");
    expect({ schedule: await read(), stored: await stored(), boss: await inBoss() }).toEqual(before);
  });

  it('"" turns scheduled syncs off; null goes back to SYNC_CRON', async () => {
    const off = await (await put({ cron: "" })).json();
    expect(off).toMatchObject({ cron: "", source: "admin", nextRunAt: null });
    expect(await stored()).toBe("");
    expect(await inBoss()).toBeUndefined();

    const reset = await (await put({ cron: null })).json();
    expect(reset).toMatchObject({ cron: DEFAULT_CRON, source: "env" });
    expect(await stored()).toBeNull();
    expect(await inBoss()).toMatchObject({ cron: DEFAULT_CRON });
  });
});

describe("users: GET /api/admin/users, PATCH /api/admin/users/{id}", () => {
  const patch = (by: Actor, target: Actor | string, body: unknown) => write.user(cookie(by), typeof target === "string" ? target : target.id, body);
  const roleOf = async (a: Actor) => (await db.pool.query('SELECT role, disabled FROM "user" WHERE id = $1', [a.id])).rows[0];

  it("lists every account without secrets", async () => {
    const response = await get.users(bearer(admin));
    expect(response.status).toBe(200);
    const users = await response.json();
    for (const a of [researcher, expert, admin]) {
      expect(users).toContainEqual({
        id: a.id,
        name: expect.any(String),
        email: a.email,
        role: a.role,
        disabled: false,
        createdAt: expect.any(String),
        // The accounts audit: made by `createOrUpdateUser`, signed in with a password (test-support's actor).
        invitedBy: null,
        invitedAt: null,
        lastSignInAt: expect.any(String),
        lastSignInMethod: "password",
      });
    }
  });

  it("changes a role", async () => {
    const response = await patch(admin, researcher, { role: "expert" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: researcher.id, role: "expert", disabled: false });
    expect(await roleOf(researcher)).toEqual({ role: "expert", disabled: false });
    expect((await patch(admin, researcher, { role: "researcher" })).status).toBe(200);
  });

  it("disabling signs the user out and stops their keys; enabling brings the keys back", async () => {
    expect(await (await patch(admin, expert, { disabled: true })).json()).toMatchObject({ disabled: true });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM session WHERE "userId" = $1', [expert.id])).rows[0].n).toBe(0);
    await expectError(await get.users(bearer(expert)), 401, "invalid_api_key");
    await expectError(await get.users(cookie(expert)), 401, "unauthenticated");
    expect(await (await patch(admin, expert, { disabled: false })).json()).toMatchObject({ disabled: false });
    await expectError(await get.users(bearer(expert)), 403, "forbidden");
  });

  it("never leaves Edgar without an enabled admin", async () => {
    const before = await state();
    const refused = await expectError(await patch(admin, admin, { role: "expert" }), 409, "last_admin");
    expect(refused.message).toMatch(/only enabled admin/);
    await expectError(await patch(admin, admin, { disabled: true }), 409, "last_admin");
    await expectError(await patch(admin, admin, { role: "researcher", disabled: true }), 409, "last_admin");
    expect(await state()).toEqual(before);

    // With a second admin, stepping down is fine; that admin is then the last one.
    const second = await actor("admin");
    expect(await (await patch(admin, admin, { role: "expert" })).json()).toMatchObject({ role: "expert" });
    await expectError(await get.users(cookie(admin)), 403, "forbidden");
    await expectError(await patch(second, second, { disabled: true }), 409, "last_admin");
    expect((await patch(second, admin, { role: "admin" })).status).toBe(200);
    expect(await roleOf(admin)).toEqual({ role: "admin", disabled: false });

    // Two admins demoting each other at the same moment: one of them stays.
    const results = await Promise.all([patch(admin, second, { role: "expert" }), patch(second, admin, { role: "expert" })]);
    // The loser is refused either as the last admin (409) or, when the winner's change landed
    // before its own role check, as no longer an admin (403).
    const [winner, loser] = results.map((r) => r.status).sort();
    expect(winner).toBe(200);
    expect([403, 409]).toContain(loser);
    const { rows } = await db.pool.query(`SELECT id FROM "user" WHERE role = 'admin' AND NOT disabled`);
    expect(rows).toHaveLength(1);
    if (rows[0].id !== admin.id) expect((await patch(second, admin, { role: "admin" })).status).toBe(200);
    expect(await roleOf(admin)).toEqual({ role: "admin", disabled: false });
  });

  it("refuses unknown users (404) and malformed changes (400), changing nothing", async () => {
    const before = await state();
    await expectError(await patch(admin, "no-such-user", { role: "expert" }), 404, "unknown_user");
    for (const body of [{}, { role: "owner" }, { disabled: "yes" }, { role: "expert", email: "x@y.z" }, null, []]) {
      await expectError(await patch(admin, researcher, JSON.stringify(body)), 400, "invalid_body");
    }
    await expectError(await patch(admin, researcher, "{role:"), 400, "invalid_json");
    await expectError(await patch(admin, "x".repeat(101), { role: "expert" }), 400, "invalid_user");
    expect(await state()).toEqual(before);
  });
});

describe("API keys: GET and POST /api/admin/keys, DELETE /api/admin/keys/{id}", () => {
  it("creates a key for any user, shown once and stored only as its hash; lists and revokes it", async () => {
    const response = await write.newKey(cookie(admin), { userId: expert.id, name: " QGIS plugin " });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toEqual({
      key: expect.stringMatching(/^edgar_[A-Za-z0-9_-]{43}$/),
      id: expect.any(Number),
      userId: expert.id,
      userEmail: expert.email,
      name: "QGIS plugin",
      prefix: created.key.slice(0, 12),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    const { rows } = await db.pool.query("SELECT * FROM api_keys WHERE id = $1", [created.id]);
    expect(rows[0].key_hash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(JSON.stringify(rows[0])).not.toContain(created.key);

    // It is the expert's key: it authenticates (403, not 401) but grants no admin rights.
    await expectError(await get.keys({ bearer: created.key }), 403, "forbidden");

    const listed = await (await get.keys(cookie(admin), `?userId=${expert.id}`)).json();
    expect(listed.map((k: { id: number }) => k.id)).toContain(created.id);
    expect(listed.every((k: { userId: string }) => k.userId === expert.id)).toBe(true);
    expect(listed.find((k: { id: number }) => k.id === created.id)).toEqual({ ...created, key: undefined, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const everyone = await (await get.keys(bearer(admin))).json();
    for (const a of [researcher, expert, admin]) expect(everyone.some((k: { userId: string }) => k.userId === a.id)).toBe(true);

    expect((await write.revokeKey(cookie(admin), created.id)).status).toBe(204);
    await expectError(await get.keys({ bearer: created.key }), 401, "invalid_api_key");
    const after = await (await get.keys(cookie(admin), `?userId=${expert.id}`)).json();
    expect(after.find((k: { id: number }) => k.id === created.id).revokedAt).toEqual(expect.any(String));
    await expectError(await write.revokeKey(cookie(admin), created.id), 404, "unknown_api_key");
  });

  it("refuses unknown users, unknown keys and malformed input, changing nothing", async () => {
    const before = await state();
    await expectError(await write.newKey(cookie(admin), { userId: "no-such-user" }), 404, "unknown_user");
    for (const body of [{}, { userId: 5 }, { userId: expert.id, name: "n".repeat(101) }, { userId: expert.id, role: "admin" }]) {
      await expectError(await write.newKey(cookie(admin), body), 400, "invalid_body");
    }
    await expectError(await write.newKey(cookie(admin), "{userId"), 400, "invalid_json");
    await expectError(await write.revokeKey(cookie(admin), 999_999), 404, "unknown_api_key");
    for (const id of ["abc", "0", "-2", "1.5"]) await expectError(await write.revokeKey(cookie(admin), id), 400, "invalid_api_key_id");
    await expectError(await get.keys(cookie(admin), "?owner=x"), 400, "invalid_query");
    expect(await state()).toEqual(before);
  });
});
