/**
 * Sensitive species' accurate coordinates never leave the server. After a sync, every sensitive
 * record is given accurate coordinates (as an authorised source would supply them) that differ from
 * its generalised public ones; then everything the outside can get is collected and searched:
 * every tile of zooms 0–16 over the species' range and over the accurate positions, every species,
 * stack, record, expansion and vetting answer of the API, every download format under every
 * classification, the range products (answer, range and cells, with and without contentious
 * records, built from the accurate positions), the /ws vetting service's answers, and the pino logs of a full and an
 * incremental `npm run sync` run (a child process, LOG_LEVEL=trace, with retries to log).
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOccurrence } from "@/app/api/occurrences/[id]/route";
import { GET as getHealth } from "@/app/api/health/route";
import { GET as getDownload } from "@/app/api/species/[id]/occurrences/route";
import { GET as getDistributionProduct } from "@/app/api/species/[id]/distribution/[product]/route";
import { GET as getDistribution } from "@/app/api/species/[id]/distribution/route";
import { GET as getSpecies } from "@/app/api/species/[id]/route";
import { GET as getStack } from "@/app/api/species/[id]/stack/route";
import { GET as getSummary } from "@/app/api/species/[id]/summary/route";
import { GET as searchSpecies } from "@/app/api/species/route";
import { GET as getExpansion } from "@/app/api/tiles/[speciesId]/expansion/route";
import { GET as getTile } from "@/app/api/tiles/[speciesId]/[z]/[x]/[y]/route";
import { GET as listVettings } from "@/app/api/vettings/route";
import { DELETE as wsDelete } from "@/app/ws/vettings/[id]/route";
import { POST as wsPost } from "@/app/ws/vettings/route";
import { actor, ORIGIN, params, useTestSecret } from "@/lib/auth/test-support";
import { rebuildDistribution } from "@/lib/distribution/store";
import { SENSITIVE_NOTE } from "@/lib/downloads/columns";
import { stopQueue } from "@/lib/jobs/queue";
import { runSync } from "@/lib/sync/run";
import { syncFixture } from "@/lib/sync/test-fixture";
import { spawnTs } from "@/lib/sync/test-process";
import { alaEnv, changeWorld, clientFor } from "@/lib/sync/test-support";
import { decodeTile, tileOf } from "@/lib/tiles/test-helpers";
import { leakFinder, type Point } from "./test-leaks";

useTestSecret();
// Big enough for a few dozen sensitive records (the simulator's share of them is small).
const f = syncFixture({ records: 10_000, seed: 7 });

interface SensitiveRecord {
  id: number;
  speciesId: number;
  public: Point;
  accurate: Point;
}

let records: SensitiveRecord[];
let species: { id: number; name: string }[];
let find: ReturnType<typeof leakFinder>;
const checked = { tiles: 0, features: 0, answers: 0, downloads: 0, logLines: 0 };

beforeAll(async () => {
  expect((await runSync({ kind: "full", client: clientFor(f.sim) })).status).toBe("succeeded");
  // Accurate positions a few kilometres from the generalised ones, off any 0.1° grid point.
  const { rows } = await f.db.pool.query<{ id: number; species_id: number; lat: number; lon: number }>(
    `INSERT INTO sensitive_coordinates (occurrence_id, lat, lon)
     SELECT id, lat + 0.0437 + (id % 7) * 0.00113, lon + 0.0291 + (id % 5) * 0.00127 FROM occurrences
      WHERE sensitive AND lat IS NOT NULL
     RETURNING occurrence_id AS id, (SELECT species_id FROM occurrences o WHERE o.id = occurrence_id), lat, lon`,
  );
  const { rows: pub } = await f.db.pool.query<{ id: number; lat: number; lon: number }>(
    "SELECT id, lat, lon FROM occurrences WHERE id = ANY($1)",
    [rows.map((r) => r.id)],
  );
  const publicOf = new Map(pub.map((p) => [p.id, { lat: p.lat, lon: p.lon }]));
  records = rows.map((r) => ({ id: r.id, speciesId: r.species_id, public: publicOf.get(r.id)!, accurate: { lat: r.lat, lon: r.lon } }));
  const { rows: sp } = await f.db.pool.query<{ id: number; scientific_name: string }>(
    "SELECT id, scientific_name FROM species WHERE id = ANY($1) ORDER BY id",
    [[...new Set(records.map((r) => r.speciesId))]],
  );
  species = sp.map((s) => ({ id: s.id, name: s.scientific_name }));
  find = leakFinder(records.map((r) => r.accurate));
});
afterAll(async () => {
  await stopQueue();
  console.log(
    `reliability: sensitive sweep over ${species?.length} species, ${records?.length} records: ${checked.tiles} tiles (${checked.features} features), ` +
      `${checked.answers} API and /ws answers, ${checked.downloads} downloads, ${checked.logLines} log lines searched`,
  );
});

async function text(response: Response, kind: "answers" | "downloads" = "answers"): Promise<string> {
  checked[kind]++;
  expect(response.status).toBeLessThan(500);
  return response.text();
}

const get = (path: string) => new Request(`${ORIGIN}${path}`);

describe("sensitive species' accurate coordinates", () => {
  it("the world has sensitive species, and the search finds an accurate coordinate however it is written", () => {
    expect(species.length).toBeGreaterThan(0);
    expect(records.length).toBeGreaterThan(20);
    const a = records[0].accurate;
    for (const written of [JSON.stringify(a), `${a.lat.toFixed(4)},${a.lon.toFixed(4)}`, `POINT(${Math.fround(a.lon)} ${Math.fround(a.lat)})`, `lat=${a.lat.toFixed(3)}`]) {
      expect(find(written), written).not.toEqual([]);
    }
    expect(find(JSON.stringify(records[0].public))).toEqual([]);
  });

  it("appear in no tile of zooms 0–16 over the species' ranges and over the accurate positions", async () => {
    for (const s of species) {
      const mine = records.filter((r) => r.speciesId === s.id);
      const positions = mine.flatMap((r) => [r.public, r.accurate]);
      for (let z = 0; z <= 16; z++) {
        const tiles = new Map<string, { x: number; y: number }>();
        if (z <= 6) {
          // Low zooms: every tile over the range's bounding box.
          const [nw, se] = [tileOf(Math.min(...positions.map((p) => p.lon)), Math.max(...positions.map((p) => p.lat)), z), tileOf(Math.max(...positions.map((p) => p.lon)), Math.min(...positions.map((p) => p.lat)), z)];
          for (let x = nw.x; x <= se.x; x++) for (let y = nw.y; y <= se.y; y++) tiles.set(`${x}/${y}`, { x, y });
        } else {
          for (const p of positions) {
            const t = tileOf(p.lon, p.lat, z);
            tiles.set(`${t.x}/${t.y}`, t);
          }
        }
        for (const { x, y } of tiles.values()) {
          const response = await getTile(get(`/api/tiles/${s.id}/${z}/${x}/${y}.pbf?duplicates=show`), params({ speciesId: String(s.id), z: String(z), x: String(x), y: `${y}.pbf` }));
          expect([200, 204]).toContain(response.status);
          checked.tiles++;
          if (response.status === 204) continue;
          const features = decodeTile(new Uint8Array(await response.arrayBuffer()), z, x, y);
          checked.features += features.length;
          // Two pixels, or 0.0001° where the index's float32 positions are coarser than a pixel (zoom 15 on):
          // far below the few hundredths of a degree between a public and an accurate position.
          const tolerance = (2 * 360) / 2 ** z / 4096 + 1e-4;
          for (const feature of features) {
            const at = (p: Point) => Math.hypot(p.lon - feature.lon, p.lat - feature.lat);
            if (!feature.properties.cluster) {
              // A single record sits at its public position: on it in the exact band (zoom 5 on), nearer
              // it than the accurate one in the coarse band's grid; below zoom 3 a pixel spans both.
              const record = mine.find((r) => r.id === feature.properties.id);
              expect(record, `record ${feature.properties.id} in species ${s.id}`).toBeDefined();
              if (z >= 5) expect(at(record!.public), `z${z}`).toBeLessThanOrEqual(tolerance);
              else if (z >= 3) expect(at(record!.public), `z${z}`).toBeLessThan(at(record!.accurate));
            }
            // Where a pixel is finer than the distance between the two, nothing sits on an accurate position.
            if (z >= 9) for (const r of mine) expect(at(r.accurate), `feature at z${z} on record ${r.id}'s accurate position`).toBeGreaterThan(tolerance);
          }
        }
      }
    }
  });

  it("appear in no API answer: species, summaries, stacks, records, cluster expansions, vettings, health", async () => {
    const answers: string[] = [];
    answers.push(await text(await getHealth()));
    for (const s of species) {
      const idParams = params({ id: String(s.id) });
      answers.push(await text(await searchSpecies(get(`/api/species?q=${encodeURIComponent(s.name.split(" ")[0])}&limit=50`))));
      answers.push(await text(await getSpecies(get(`/api/species/${s.id}`), idParams)));
      answers.push(await text(await getSummary(get(`/api/species/${s.id}/summary?duplicates=show`), idParams)));
      answers.push(await text(await listVettings(get(`/api/vettings?speciesId=${s.id}`))));
      const mine = records.filter((r) => r.speciesId === s.id);
      // Stacks asked for at the public positions and, as a prober would, at the accurate ones.
      const probes = new Map(mine.flatMap((r) => [r.public, r.accurate]).map((p) => [`${p.lon},${p.lat}`, p]));
      for (const p of probes.values()) {
        answers.push(await text(await getStack(get(`/api/species/${s.id}/stack?lon=${p.lon}&lat=${p.lat}&duplicates=show`), idParams)));
      }
      // Cluster expansions of the clusters of the low-zoom tiles.
      for (const z of [0, 3, 6]) {
        const { x, y } = tileOf(mine[0].public.lon, mine[0].public.lat, z);
        const tile = await getTile(get(`/api/tiles/${s.id}/${z}/${x}/${y}.pbf`), params({ speciesId: String(s.id), z: String(z), x: String(x), y: `${y}.pbf` }));
        if (tile.status !== 200) continue;
        for (const c of decodeTile(new Uint8Array(await tile.arrayBuffer()), z, x, y).filter((f) => f.properties.cluster)) {
          answers.push(await text(await getExpansion(get(`/api/tiles/${s.id}/expansion?clusterId=${c.properties.clusterId}`), params({ speciesId: String(s.id) }))));
        }
      }
    }
    for (const r of records) answers.push(await text(await getOccurrence(get(`/api/occurrences/${r.id}`), params({ id: String(r.id) }))));
    // Every record's answer carries its public position, so the search had numbers to look through.
    expect(answers.join("\n")).toContain(String(records[0].public.lat));
    for (const answer of answers) expect(find(answer)).toEqual([]);
  });

  it("appear in no download, in either format, under any classification", async () => {
    for (const s of species) {
      for (const format of ["csv", "geojson"]) {
        for (const classification of [null, "known_valid", "assumed_valid", "assumed_invalid", "known_invalid"]) {
          const query = `format=${format}&duplicates=show${classification ? `&classification=${classification}` : ""}`;
          const body = await text(await getDownload(get(`/api/species/${s.id}/occurrences?${query}`), params({ id: String(s.id) })), "downloads");
          if (!classification) expect(body).toContain(SENSITIVE_NOTE);
          expect(find(body)).toEqual([]);
        }
      }
    }
  });

  it("appear in no range product: the distribution answer, range and cells, published geometry snapped to the generalisation grid", async () => {
    let snapped = 0;
    for (const s of species) {
      await rebuildDistribution(s.id, { force: true });
      const idParams = params({ id: String(s.id) });
      for (const query of ["", "?contentious=include"]) {
        const answer = await text(await getDistribution(get(`/api/species/${s.id}/distribution${query}`), idParams));
        expect(find(answer)).toEqual([]);
        if (JSON.parse(answer).snappedToDegrees !== null) snapped++;
        // The downloads, and the bare answers the map's layer asks for.
        for (const [product, download] of [["range", true], ["cells", true], ["range", false], ["cells", false]] as const) {
          const url = `/api/species/${s.id}/distribution/${product}${query}${download ? `${query ? "&" : "?"}download=1` : ""}`;
          const body = await text(await getDistributionProduct(get(url), params({ id: String(s.id), product })), download ? "downloads" : "answers");
          expect(find(body)).toEqual([]);
          // No vertex near an accurate position either, however it is written.
          const mine = records.filter((r) => r.speciesId === s.id);
          for (const [lon, lat] of (JSON.stringify(JSON.parse(body).features.map((f: { geometry: unknown }) => f.geometry)).match(/-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?/g) ?? []).map((pair) => pair.split(",").map(Number))) {
            for (const r of mine) expect(Math.hypot(r.accurate.lon - lon, r.accurate.lat - lat)).toBeGreaterThan(1e-3);
          }
        }
      }
    }
    // The sweep's sensitive records count towards some range, so their accurate positions were used and snapped.
    expect(snapped).toBeGreaterThan(0);
  });

  it("appear in no answer of the /ws vetting service", async () => {
    const expert = await actor("expert");
    const answers: string[] = [];
    for (const s of species) {
      const mine = records.filter((r) => r.speciesId === s.id);
      // An area drawn around the accurate positions: what comes back must not describe them.
      const lon = mine.map((r) => r.accurate.lon), lat = mine.map((r) => r.accurate.lat);
      const [x0, y0, x1, y1] = [Math.min(...lon) - 0.01, Math.min(...lat) - 0.01, Math.max(...lon) + 0.01, Math.max(...lat) + 0.01];
      const area = `POLYGON((${x0} ${y0}, ${x1} ${y0}, ${x1} ${y1}, ${x0} ${y1}, ${x0} ${y0}))`;
      const submit = (body: unknown) => wsPost(new Request(`${ORIGIN}/ws/vettings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
      const created = await submit({ apiKey: expert.key, species: s.name, area, classification: "known_invalid", comment: "sweep" });
      expect(created.status).toBe(201);
      const { id } = JSON.parse(await text(created.clone()));
      answers.push(await text(created));
      answers.push(await text(await submit({ apiKey: expert.key, species: `${s.name} nonexistent`, area, classification: "known_invalid" })));
      answers.push(await text(await submit({ apiKey: "wrong", species: s.name, area, classification: "known_invalid" })));
      answers.push(await text(await listVettings(get(`/api/vettings?speciesId=${s.id}`))));
      answers.push(await text(await wsDelete(new Request(`${ORIGIN}/ws/vettings/${id}?apiKey=${encodeURIComponent(expert.key)}`, { method: "DELETE" }), params({ id: String(id) }))));
    }
    for (const answer of answers) expect(find(answer)).toEqual([]);
  });

  it("appear in no log line of a full and an incremental `npm run sync` (trace level, with retries)", { timeout: 180_000 }, async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-sweep-"));
    await fs.chmod(dataDir, 0o755);
    let logs = "";
    try {
      f.sim.faults.set({ rules: [{ mode: "500", rate: 0.1 }, { mode: "truncate", rate: 0.05 }] });
      for (const args of [["--full"], []]) {
        changeWorld(f.sim, 0.5);
        const sync = spawnTs("scripts/sync.ts", args, { ...alaEnv(f.sim, 10), DATABASE_URL: f.db.url, DATA_DIR: dataDir, LOG_LEVEL: "trace" });
        expect(await sync.exited).toBe(0);
        logs += sync.stdout() + sync.stderr();
      }
    } finally {
      f.sim.faults.clear();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
    // The capture is real: pino's JSON lines, retries among them.
    const lines = logs.split("\n").filter((l) => l.startsWith('{"level"'));
    checked.logLines = lines.length;
    expect(lines.length).toBeGreaterThan(10);
    expect(logs).toMatch(/retry|retrying/i);
    // The accurate coordinates are still stored, so the runs had them at hand.
    expect((await f.db.pool.query("SELECT count(*)::int AS n FROM sensitive_coordinates")).rows[0].n).toBeGreaterThan(0);
    expect(find(logs)).toEqual([]);
  });
});
