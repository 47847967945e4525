/**
 * Issue 23's row of `npm run bench`: from an expert submitting a vetting until a second, already
 * open page of the species asks for the first map tile of the new data version, p50 and p95 over
 * `submits` vettings, on the demo's species (the demo's world: `npm run demo`'s 50 000 records,
 * seed 1; its fourth most recorded species, Cacatua galerita, 3 011 records, the one
 * e2e/live.spec.ts vets and issue 23 timed).
 *
 * Everything real but the browser: the demo's world imported by the sync into a fresh database;
 * the real worker (`workers/main.ts`, woken by NOTIFY) re-classifying; the real route handlers
 * (events, species, tiles, vettings) in their own process (bench/live-server.ts); the expert
 * vetting over HTTP with an API key. The page is a stand-in doing exactly what the species page
 * does with its stream (components/live/use-live-species.ts, applySpeciesMessage): on a
 * `vettings` event it asks the species again; on a `species` event with a newer data version it
 * takes that version for its tiles at once and asks the species again; whenever the version its
 * tiles carry moves, it asks for its first tile with the new `v=`. Why a stand-in and not a
 * browser: docs/performance.md, "Live updates".
 */
import "./env";
import os from "node:os";
import { parseArgs } from "node:util";
import type pg from "pg";
import { createApiKey } from "@/lib/auth/api-keys";
import { createOrUpdateUser } from "@/lib/auth/users";
import { pool } from "@/lib/db/pool";
import { disconnectPrisma } from "@/lib/db/prisma";
import { SseReader } from "@/lib/events/sse-reader";
import { runIfMain, startChild, type ChildServer } from "./child";
import { withBenchDatabase, type BenchDatabase } from "./database";
import { timedSync } from "./import";
import { summarise, type Latency } from "./latency";
import type { Say } from "./progress";
import { publishFigures } from "./report";
import { speciesByCount, startSimulatorProcess } from "./simulator";
import { tileSession } from "./tile-sequence";
import { tilePath } from "./tiles";

/** `npm run demo`'s world (scripts/demo.ts defaults). */
export const DEMO_RECORDS = 50_000;
export const DEMO_SEED = 1;
/** The demo's species: its fourth most recorded (e2e/live.spec.ts's). */
const SPECIES_RANK = 3;
/** Loose box around Australia: every record of the species is inside, so each vetting changes them all. */
const AUSTRALIA = { type: "Polygon", coordinates: [[[110, -45], [155, -45], [155, -10], [110, -10], [110, -45]]] };
const SETTLE_TIMEOUT_MS = 120_000;

export interface LiveSubmitFigures {
  worldRecords: number;
  scientificName: string;
  records: number;
  submits: number;
  /** Submit (just before the POST) → the open page's first tile request carrying the new version. */
  toNewTileRequestMs: Latency;
  /** … → that tile answered. */
  toNewTileAnsweredMs: Latency;
  /** … → the page heard the `species` event of the new version. */
  toSpeciesEventMs: Latency;
  /** The POST's own answer (the vetting stored, its job queued and the worker woken). */
  postMs: Latency;
  /** Importing the demo's world and starting the worker and web processes (not a figure of Edgar's). */
  setupSeconds: number;
}

interface Species {
  dataVersion: number;
  reclassifying: boolean;
}

/** The second, already-open page: its cached species, the version its tiles carry, and the tiles it asked for. */
class OpenPage {
  cached!: Species;
  shown = 0;
  readonly tiles: { version: number; requestedAt: number; answeredAt?: number; failure?: string }[] = [];
  readonly speciesEvents: { dataVersion: number; at: number }[] = [];
  private reader: SseReader | null = null;
  private asking: Promise<void> | null = null;
  private askAgain = false;

  constructor(
    private readonly url: string,
    private readonly speciesId: number,
    private readonly firstTile: (version: number) => string,
  ) {}

  async open(): Promise<void> {
    this.cached = await this.getSpecies();
    this.shown = this.cached.dataVersion;
    const response = await fetch(`${this.url}/api/events?species=${this.speciesId}`);
    if (response.status !== 200 || !response.body) throw new Error(`the event stream answered ${response.status}`);
    this.reader = new SseReader(response.body);
    if ((await this.reader.next())?.event !== "snapshot") throw new Error("the event stream did not start with a snapshot");
    void this.listen();
  }

  close(): Promise<void> {
    return this.reader?.cancel() ?? Promise.resolve();
  }

  private async listen(): Promise<void> {
    for (;;) {
      const m = await this.reader!.next();
      if (!m) return;
      const event = JSON.parse(m.data) as { type: string; dataVersion?: number };
      if (m.event === "vettings") this.askSpecies();
      else if (m.event === "species" && event.dataVersion !== undefined) {
        this.speciesEvents.push({ dataVersion: event.dataVersion, at: performance.now() });
        if (event.dataVersion !== this.cached.dataVersion || this.cached.reclassifying) {
          if (event.dataVersion > this.cached.dataVersion) {
            this.cached = { ...this.cached, dataVersion: event.dataVersion };
            this.show(event.dataVersion);
          }
          this.askSpecies();
        }
      }
    }
  }

  private async getSpecies(): Promise<Species> {
    const r = await fetch(`${this.url}/api/species/${this.speciesId}`);
    if (r.status !== 200) throw new Error(`GET /api/species/${this.speciesId} answered ${r.status}`);
    return (await r.json()) as Species;
  }

  /** As an invalidated query: one request at a time, asked once more if invalidated meanwhile. */
  askSpecies(): void {
    if (this.asking) {
      this.askAgain = true;
      return;
    }
    this.asking = (async () => {
      do {
        this.askAgain = false;
        this.cached = await this.getSpecies();
        this.show(this.cached.dataVersion);
      } while (this.askAgain);
    })().finally(() => (this.asking = null));
  }

  /** The map's tiles take the version: its first tile is asked for with it. */
  private show(version: number): void {
    if (version <= this.shown) return;
    this.shown = version;
    const tile: (typeof this.tiles)[number] = { version, requestedAt: performance.now() };
    this.tiles.push(tile);
    const url = `${this.url}${this.firstTile(version)}`;
    void fetch(url)
      .then(async (r) => {
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        tile.answeredAt = performance.now();
      })
      .catch((err: unknown) => (tile.failure = `${url}: ${err instanceof Error ? err.message : String(err)}`));
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The worker has nothing queued or running, twice in a row half a second apart (its startup work and each round's range rebuild). */
async function workerIdle(db: pg.Pool): Promise<void> {
  let quiet = 0;
  await until("the worker's queues to drain", async () => {
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '__pgboss%' AND name <> 'scheduled-sync'");
    quiet = rows[0].n === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    await new Promise((r) => setTimeout(r, 500));
    return undefined;
  }, 600_000);
}

export async function benchLiveSubmit(db: BenchDatabase, submits: number, say: Say, worldRecords = DEMO_RECORDS): Promise<LiveSubmitFigures> {
  const setup = performance.now();
  say(`  the demo's world (${worldRecords.toLocaleString("en")} records, seed ${DEMO_SEED}) imported by the sync`);
  const sim = await startSimulatorProcess(worldRecords, DEMO_SEED);
  const children: ChildServer[] = [];
  let page: OpenPage | null = null;
  try {
    const chosen = (await speciesByCount(sim))[SPECIES_RANK];
    await timedSync("full", db, sim, () => undefined);
    const { rows } = await db.pool.query<{ id: number; n: number }>("SELECT id, occurrence_count AS n FROM species WHERE guid = $1", [chosen.guid]);
    const speciesId = rows[0].id;
    const { user } = await createOrUpdateUser({ email: "bench-expert@example.org", password: "bench-expert-password-1", role: "expert" });
    const { key } = await createApiKey(user.id, "bench");
    const first = (await tileSession(pool(), speciesId))[0];

    const env = { DATABASE_URL: db.url, ALA_BIOCACHE_URL: sim.url, ALA_IMAGES_URL: sim.url, MODEL_FIT_ALL: "false" };
    children.push(await startChild({ script: "workers/main.ts", env: { ...env, LOG_LEVEL: "info" }, ready: /("worker started")/ }));
    const web = await startChild({ script: "bench/live-server.ts", env, ready: /live server listening on (\S+)/ });
    children.push(web);
    await workerIdle(db.pool);
    const setupSeconds = Math.round((performance.now() - setup) / 100) / 10;
    say(`  ${chosen.scientificName} (${rows[0].n.toLocaleString("en")} records); worker and web up, idle, after ${setupSeconds} s`);

    page = new OpenPage(web.url, speciesId, (v) => tilePath(speciesId, v, first));
    await page.open();
    const vet = async (method: "POST" | "DELETE", id?: number) => {
      const r = await fetch(`${web.url}/api/vettings${id ? `/${id}` : ""}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ speciesId, classification: "known_invalid", area: AUSTRALIA, comment: "bench" }) : undefined,
      });
      if (r.status !== (method === "POST" ? 201 : 204)) throw new Error(`${method} /api/vettings answered ${r.status}: ${await r.text()}`);
      return method === "POST" ? ((await r.json()) as { id: number }).id : 0;
    };
    /** The page showing a version above `version`, its tile answered and the species settled. */
    const settled = (version: number) =>
      until(`the page to show a version above ${version}`, () => {
        const failed = page!.tiles.find((t) => t.failure);
        if (failed) throw new Error(`the open page's tile failed: ${failed.failure}`);
        const tile = page!.tiles.find((t) => t.version > version && t.answeredAt !== undefined);
        return tile && !page!.cached.reclassifying && page!.cached.dataVersion === page!.shown ? tile : undefined;
      });

    const request: number[] = [];
    const answered: number[] = [];
    const heard: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < submits; i++) {
      const before = page.shown;
      const at = performance.now();
      const id = await vet("POST");
      post.push(performance.now() - at);
      const tile = await settled(before);
      request.push(tile.requestedAt - at);
      answered.push(tile.answeredAt! - at);
      const event = page.speciesEvents.find((e) => e.dataVersion > before);
      if (event) heard.push(event.at - at);
      // Taken back, out of the measure, and the worker left idle (its range rebuild done) before the next.
      const after = page.shown;
      await vet("DELETE", id);
      await settled(after);
      await workerIdle(db.pool);
    }
    const figures = {
      worldRecords,
      scientificName: chosen.scientificName,
      records: rows[0].n,
      submits,
      toNewTileRequestMs: summarise(request),
      toNewTileAnsweredMs: summarise(answered),
      toSpeciesEventMs: summarise(heard),
      postMs: summarise(post),
      setupSeconds,
    };
    say(`  submit → first tile of the new version asked: p50 ${Math.round(figures.toNewTileRequestMs.p50)} ms, p95 ${Math.round(figures.toNewTileRequestMs.p95)} ms (${submits} submits)`);
    return figures;
  } finally {
    await page?.close();
    for (const child of children.reverse()) await child.stop();
    await sim.stop();
    await disconnectPrisma();
  }
}

/** Standalone: `npx tsx bench/live-submit.ts [--world 50000] [--submits 12]`, figures in bench/results/live-submit-<date>.json. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { world: { type: "string", default: String(DEMO_RECORDS) }, submits: { type: "string", default: "12" } } });
  const loadAtStart = os.loadavg();
  await withBenchDatabase(async (db) => {
    const figures = await benchLiveSubmit(db, Number(values.submits), (line) => console.error(line), Number(values.world));
    const result = { date: new Date().toISOString(), loadAverage: { start: loadAtStart, end: os.loadavg() }, ...figures };
    publishFigures("live-submit", result);
  });
}

runIfMain(import.meta.url, main);
