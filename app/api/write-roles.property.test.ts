/**
 * Who may write, over every write route in app/ (found on disk: a write route added later fails
 * the first test until it is given a rule here). Each route is sent a request it would carry out
 * for the right caller — real targets, a valid body — by callers who may not: nobody (no
 * credentials, a garbage cookie, an unknown or malformed key, the key of a disabled account) gets
 * 401 (the /ws service: 403, its contract), the wrong role 403, another expert 403 on a vetting
 * that is not theirs, and an admin's session cookie sent from another origin 403. Each refusal is
 * the contract's `{ error, message }`, and a digest of every table is unchanged after it.
 * The routes are called as Next.js calls them, with real Requests, on a real PostgreSQL.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvitation } from "@/lib/accounts/invitations";
import { classificationCode } from "@/lib/domain/codes";
import { createApiKey } from "@/lib/auth/api-keys";
import { actor, ORIGIN, params, useTestSecret, type Actor } from "@/lib/auth/test-support";
import { setDisabled } from "@/lib/auth/users";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { VALID_RING, VALID_WKT } from "@/lib/http/bad-input";
import { stopQueue } from "@/lib/jobs/queue";
import { addSource } from "@/lib/sources/registry";
import { writeTestLayers } from "@/lib/suitability/test-fixtures";
import { insertSpecies, insertVetting } from "@/lib/vetting/test-fixtures";
import { appRouteFiles, fillPattern, type AppEntry } from "@/test/app-routes";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { dbDigest, type DbDigest } from "@/test/db-digest";

useTestSecret();

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Method = "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a write: admins; experts and admins (`vetter`); a vetting's author or an admin
 * (`author`); the /ws service's key owner, an expert or admin (`ws`, key in the body or query);
 * or anyone (`public`: signing in, accepting an invitation, resetting a password, each checked by
 * what it is sent).
 */
type Who = "admin" | "vetter" | "author" | "ws" | "public";

interface Call {
  segments: Record<string, string>;
  query?: string;
  /** JSON (an object) or bytes with their type. */
  body?: Record<string, unknown> | { bytes: Uint8Array; type: string };
  /** For the /ws service: where the key goes. */
  key?: (key: string) => Partial<Call>;
}

interface Rule {
  who: Who;
  /** A request the right caller would have carried out (made once the fixtures exist). */
  call?: () => Call;
}

let db: TestDatabase;
let digest: DbDigest;
let baseline: string;
let researcher: Actor, expert: Actor, otherExpert: Actor, admin: Actor, disabled: Actor;
let fixtures: { speciesId: number; speciesName: string; vettingId: number; keyId: number; invitationId: number; sourceId: number; layersDir: string };

const geojson = JSON.stringify({ type: "FeatureCollection", features: [{ type: "Feature", properties: { SCI_NAME: "Cacatua galerita", RANGE_T: "core" }, geometry: squarePolygon(140, -30, 142, -28) }] });

const RULES: Record<string, Rule> = {
  "POST /api/admin/invitations": { who: "admin", call: () => ({ segments: {}, body: { email: "invitee@example.org", role: "expert" } }) },
  "DELETE /api/admin/invitations/{id}": { who: "admin", call: () => ({ segments: { id: String(fixtures.invitationId) } }) },
  "POST /api/admin/keys": { who: "admin", call: () => ({ segments: {}, body: { userId: expert.id, name: "a tool" } }) },
  "DELETE /api/admin/keys/{id}": { who: "admin", call: () => ({ segments: { id: String(fixtures.keyId) } }) },
  "POST /api/admin/layer-sets": { who: "admin", call: () => ({ segments: {}, body: { name: "Current", scenario: "current", year: null, dir: fixtures.layersDir } }) },
  "POST /api/admin/range-imports": {
    who: "admin",
    call: () => ({ segments: {}, query: "fileName=r.geojson&source=Sweep&nameField=SCI_NAME&classField=RANGE_T", body: { bytes: new TextEncoder().encode(geojson), type: "application/geo+json" } }),
  },
  "DELETE /api/admin/range-imports/{id}": { who: "admin", call: () => ({ segments: { id: "1" } }) },
  "PUT /api/admin/schedule": { who: "admin", call: () => ({ segments: {}, body: { cron: "0 4 * * *" } }) },
  "POST /api/admin/sources": { who: "admin", call: () => ({ segments: {}, body: { kind: "dwca", name: "Another archive", settings: { location: "/tmp/another.zip" } } }) },
  "DELETE /api/admin/sources/{id}": { who: "admin", call: () => ({ segments: { id: String(fixtures.sourceId) } }) },
  "POST /api/admin/sources/{id}/sync": { who: "admin", call: () => ({ segments: { id: String(fixtures.sourceId) }, body: { bytes: new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), type: "application/zip" } }) },
  "POST /api/admin/sources/names": { who: "admin", call: () => ({ segments: {}, body: { name: "Cacatua galerita alba", speciesId: fixtures.speciesId } }) },
  "POST /api/admin/sync": { who: "admin", call: () => ({ segments: {}, body: { kind: "incremental" } }) },
  "PATCH /api/admin/users/{id}": { who: "admin", call: () => ({ segments: { id: researcher.id }, body: { role: "researcher" } }) },
  "POST /api/admin/vetting-push/{vettingId}/retry": { who: "admin", call: () => ({ segments: { vettingId: String(fixtures.vettingId) } }) },
  "POST /api/distributions/{speciesId}/model": { who: "vetter", call: () => ({ segments: { speciesId: String(fixtures.speciesId) } }) },
  "POST /api/vettings": { who: "vetter", call: () => ({ segments: {}, body: { speciesId: fixtures.speciesId, classification: "known_invalid", area: { type: "Polygon", coordinates: [VALID_RING] } } }) },
  // A read that takes an area: experts' drawing tool, so it is theirs too.
  "POST /api/vettings/coverage": { who: "vetter", call: () => ({ segments: {}, body: { speciesId: fixtures.speciesId, area: { type: "Polygon", coordinates: [VALID_RING] } } }) },
  "PATCH /api/vettings/{id}": { who: "author", call: () => ({ segments: { id: String(fixtures.vettingId) }, body: { comment: "changed" } }) },
  "DELETE /api/vettings/{id}": { who: "author", call: () => ({ segments: { id: String(fixtures.vettingId) } }) },
  "POST /ws/vettings": {
    who: "ws",
    call: () => ({ segments: {}, body: { species: fixtures.speciesName, area: VALID_WKT, classification: "known_valid" }, key: (key) => ({ body: { species: fixtures.speciesName, area: VALID_WKT, classification: "known_valid", apiKey: key } }) }),
  },
  "DELETE /ws/vettings/{id}": { who: "ws", call: () => ({ segments: { id: String(fixtures.vettingId) }, key: (key) => ({ query: `apiKey=${encodeURIComponent(key)}` }) }) },
  "POST /api/auth/{...all}": { who: "public" },
  "POST /api/invitations/accept": { who: "public" },
  "POST /api/password-reset": { who: "public" },
  "POST /api/password-reset/confirm": { who: "public" },
};

const writes: { name: string; entry: AppEntry; handler: Handler }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  [researcher, expert, otherExpert, admin, disabled] = await Promise.all([actor("researcher"), actor("expert"), actor("expert"), actor("admin"), actor("admin")]);
  await setDisabled(disabled.id, true);
  const speciesName = "Cacatua galerita";
  const speciesId = await insertSpecies(db.pool, speciesName);
  const vettingId = await insertVetting(db.pool, speciesId, expert.id, classificationCode.known_invalid, { type: "Polygon", coordinates: [VALID_RING] });
  // A key of its own to revoke: the expert's own key calls later tests.
  const keyId = (await createApiKey(expert.id, "spare")).id;
  const invitationId = (await createInvitation({ email: "pending@example.org", role: "expert" }, admin)).id;
  const sourceId = (await addSource(db.pool, { kind: "dwca", name: "An archive", settings: { location: "/tmp/archive.zip" } })).id;
  const layersDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-roles-"));
  await writeTestLayers(layersDir);
  fixtures = { speciesId, speciesName, vettingId, keyId, invitationId, sourceId, layersDir };
  for (const entry of appRouteFiles()) {
    const module = (await import(/* @vite-ignore */ `@/${entry.file.replace(/\.ts$/, "")}`)) as Partial<Record<Method, Handler>>;
    for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
      const handler = module[method];
      if (handler) writes.push({ name: `${method} ${entry.pattern}`, entry, handler });
    }
  }
  digest = await dbDigest(db.pool);
  baseline = await digest.take();
});

afterAll(async () => {
  await stopQueue();
  await fs.rm(fixtures?.layersDir ?? "/nonexistent", { recursive: true, force: true });
  await db?.drop();
});

/** How a caller presents itself. */
type Caller =
  | { kind: "none" }
  | { kind: "cookie"; cookie: string; origin?: string }
  | { kind: "bearer"; authorization: string }
  | { kind: "ws-key"; key: string | null };

function request(name: string, call: Call, caller: Caller): Request {
  const [method] = name.split(" ");
  const write = writes.find((w) => w.name === name)!;
  let { query, body } = call;
  if (caller.kind === "ws-key" && caller.key !== null && call.key) ({ query = query, body = body } = { query, body, ...call.key(caller.key) });
  const headers = new Headers({ "x-forwarded-for": "192.0.2.10" });
  if (caller.kind === "cookie") {
    headers.set("cookie", caller.cookie);
    headers.set("origin", caller.origin ?? ORIGIN);
    headers.set("sec-fetch-site", caller.origin ? "same-site" : "same-origin");
  }
  if (caller.kind === "bearer") headers.set("authorization", caller.authorization);
  let payload: BodyInit | undefined;
  if (body && "bytes" in body && body.bytes instanceof Uint8Array) {
    headers.set("content-type", String(body.type));
    payload = new Blob([body.bytes as Uint8Array<ArrayBuffer>]);
  } else if (body) {
    headers.set("content-type", "application/json");
    payload = JSON.stringify(body);
  }
  const url = `${ORIGIN}${fillPattern(write.entry, call.segments)}${query ? `?${query}` : ""}`;
  return new Request(url, { method, headers, body: payload });
}

async function expectRefused(name: string, response: Response, status: number, caller: string): Promise<void> {
  const text = await response.text();
  const what = `${name} by ${caller} answered ${response.status}: ${text.slice(0, 300)}`;
  expect(response.status, what).toBe(status);
  expect(response.headers.get("content-type"), what).toMatch(/^application\/json/);
  const json = JSON.parse(text);
  expect(json, what).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
  expect(json.message.trim(), what).not.toBe("");
  const changed = await digest.changedSince(baseline);
  expect(changed, `${name} by ${caller} changed the database: ${changed.join(", ")}`).toEqual([]);
}

/**
 * The right caller is not refused for who it is (any other answer will do: an earlier test may
 * have removed the target); what it changed is the new baseline.
 */
async function expectServed(name: string, rule: Rule, caller: Caller): Promise<void> {
  const write = writes.find((w) => w.name === name)!;
  const call = rule.call!();
  const response = await write.handler(request(name, call, caller), params(call.segments));
  const text = await response.text();
  expect(response.status, `${name}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect([401, 403], `${name}: ${text.slice(0, 300)}`).not.toContain(response.status);
  baseline = await digest.take();
}

/** Callers who are nobody: what each presents, and the answer it must get. */
function nobody(): fc.Arbitrary<{ label: string; caller: Caller }> {
  return fc.oneof(
    fc.constant({ label: "no credentials", caller: { kind: "none" } as Caller }),
    fc.string({ minLength: 1, maxLength: 40 }).map((v) => ({ label: "a garbage session cookie", caller: { kind: "cookie", cookie: `edgar.session_token=${encodeURIComponent(v)}` } as Caller })),
    fc.string({ minLength: 1, maxLength: 60 }).filter((k) => /^[\x21-\x7e]+$/.test(k)).map((k) => ({ label: "an unknown key", caller: { kind: "bearer", authorization: `Bearer ${k}` } as Caller })),
    fc.constantFrom("Basic YWRtaW46YWRtaW4=", "Bearer", "bearer", "Token abc").map((a) => ({ label: `Authorization: ${a}`, caller: { kind: "bearer", authorization: a } as Caller })),
    fc.constant({ label: "a disabled admin's key", caller: { kind: "bearer", authorization: `Bearer ${disabled.key}` } as Caller }),
  );
}

/** Signed-in callers of the wrong role for `who`. */
function wrongRoles(who: Who): { label: string; caller: Caller }[] {
  const as = (label: string, a: Actor): { label: string; caller: Caller }[] => [
    { label: `${label} (session)`, caller: { kind: "cookie", cookie: a.cookie } },
    { label: `${label} (key)`, caller: { kind: "bearer", authorization: `Bearer ${a.key}` } },
  ];
  const crossSite = { label: "an admin's session from another origin", caller: { kind: "cookie", cookie: admin.cookie, origin: "http://evil.edgar.test" } as Caller };
  switch (who) {
    case "admin":
      return [...as("a researcher", researcher), ...as("an expert", expert), crossSite];
    case "vetter":
      return [...as("a researcher", researcher), crossSite];
    case "author":
      return [...as("a researcher", researcher), ...as("another expert", otherExpert), crossSite];
    default:
      return [];
  }
}

describe("every write route says who may call it", () => {
  it("the write routes on disk are exactly those given a rule here", () => {
    expect(writes.map((w) => w.name).sort()).toEqual(Object.keys(RULES).sort());
  });
});

describe.each(Object.entries(RULES).filter(([, r]) => r.who !== "public" && r.who !== "ws"))("%s", (name, rule) => {
  it("refuses nobody with 401, and changes nothing", async () => {
    const write = writes.find((w) => w.name === name)!;
    await fc.assert(
      fc.asyncProperty(nobody(), async ({ label, caller }) => {
        const call = rule.call!();
        await expectRefused(name, await write.handler(request(name, call, caller), params(call.segments)), 401, label);
      }),
      { numRuns: 12 },
    );
  });

  it("refuses the wrong role, another expert's vetting and a cross-site session with 403, and changes nothing", async () => {
    const write = writes.find((w) => w.name === name)!;
    for (const { label, caller } of wrongRoles(rule.who)) {
      const call = rule.call!();
      await expectRefused(name, await write.handler(request(name, call, caller), params(call.segments)), 403, label);
    }
  });

  it("lets the right caller past (the refusals were for who called)", async () => {
    await expectServed(name, rule, { kind: "bearer", authorization: `Bearer ${(rule.who === "admin" ? admin : expert).key}` });
  });
});

describe.each(Object.entries(RULES).filter(([, r]) => r.who === "ws"))("%s (the key is in the request)", (name, rule) => {
  it("refuses no key, unknown keys, a disabled account's key and a researcher's key with 403, and changes nothing", async () => {
    const write = writes.find((w) => w.name === name)!;
    const keys = fc.oneof(
      fc.constant<string | null>(null),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(`${expert.key}x`, expert.key.slice(0, -1), disabled.key, researcher.key),
    );
    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        const call = rule.call!();
        await expectRefused(name, await write.handler(request(name, call, { kind: "ws-key", key }), params(call.segments)), 403, `key ${JSON.stringify(key)}`);
      }),
      { numRuns: 20 },
    );
  });

  it("lets the key's owner past", async () => {
    await expectServed(name, rule, { kind: "ws-key", key: expert.key });
  });
});
