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
import { PNG } from "pngjs";
import { fromArrayBuffer } from "geotiff";
import { GET as getModelTile } from "@/app/api/distributions/[speciesId]/model/[scenario]/[z]/[x]/[y]/route";
import { GET as getModelDownload } from "@/app/api/distributions/[speciesId]/model/[scenario]/download/route";
import { GET as getModel } from "@/app/api/distributions/[speciesId]/model/route";
import { GET as getEvents } from "@/app/api/events/route";
import { POST as postVetting } from "@/app/api/vettings/route";
import { reloadConfig } from "@/lib/config";
import { classificationCode, modelStatusCode } from "@/lib/domain/codes";
import { eventHub } from "@/lib/events";
import { SseReader } from "@/lib/events/sse-reader";
import { enqueueDistribution, enqueueFitModel } from "@/lib/jobs/queue";
import { addLayerSet } from "@/lib/layers/store";
import { CLIMATE_GRID, writeClimateLayers } from "@/lib/simulator/climate";
import { coreText, EML, metaXml, TERMS, writeZip } from "@/lib/sources/dwca/test-archive";
import { addSource } from "@/lib/sources/registry";
import { runSource } from "@/lib/sources/run";
import { handleFitModel } from "@/lib/suitability/job";
import { eventually } from "@/lib/sync/test-process";
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
import { actor, apiRequest, ORIGIN, params, useTestSecret } from "@/lib/auth/test-support";
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
  // The simulator's sensitive species have a few records each, too few locations for a suitability
  // model: one of them gets 35 more sensitive records on the 0.1° grid around one of its own,
  // copies of it, so that a model is fitted from accurate positions.
  await f.db.pool.query(
    `WITH base AS (
       SELECT o.* FROM occurrences o JOIN classified_occurrences c ON c.id = o.id
        WHERE o.sensitive AND o.lat IS NOT NULL AND c.classification IN ($1, $2) AND NOT c.contentious
          AND o.species_id = (SELECT species_id FROM occurrences WHERE sensitive AND lat IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)
        ORDER BY o.id LIMIT 1)
     INSERT INTO occurrences
     SELECT (jsonb_populate_record(NULL::occurrences, to_jsonb(b) || jsonb_build_object(
              'id', nextval(pg_get_serial_sequence('occurrences', 'id')), 'source_id', gen_random_uuid(),
              'lat', round((b.lat + dy * 0.1)::numeric, 1), 'lon', round((b.lon + dx * 0.1)::numeric, 1)))).*
       FROM base b, generate_series(-3, 2) dy, generate_series(-3, 2) dx WHERE (dx, dy) <> (0, 0)`,
    [classificationCode.known_valid, classificationCode.assumed_valid],
  );
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
  await eventHub().stop();
  await stopQueue();
  if (process.env.DATA_DIR?.includes("edgar-sweep-models-")) await fs.rm(process.env.DATA_DIR, { recursive: true, force: true });
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

  it("appear in no suitability model: its status and JSON; the GeoTIFF and the tiles are no finer than a layer cell", { timeout: 600_000 }, async () => {
    // The simulator's climate (0.1° cells) as the current set; a small background keeps the fits short.
    process.env.MODEL_BACKGROUND = "1000";
    process.env.DATA_DIR = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-sweep-models-"));
    reloadConfig();
    const [currentDir] = await writeClimateLayers(path.join(process.env.DATA_DIR, "layers"));
    const set = await addLayerSet({ name: "Current", scenario: "current", year: null, dir: currentDir });
    let fitted = 0;
    for (const s of species) {
      const outcome = await handleFitModel({ speciesId: s.id, requested: true });
      const sp = { speciesId: String(s.id) };
      // The status answer and the model JSON: numbers of climate, never a position.
      const answer = await text(await getModel(get(`/api/distributions/${s.id}/model`), params(sp)));
      expect(find(answer), `species ${s.id}'s model status`).toEqual([]);
      if (outcome !== "fitted") continue;
      fitted++;
      const json = await text(await getModel(get(`/api/distributions/${s.id}/model?download=1`), params(sp)), "downloads");
      expect(JSON.parse(json).model).toBeDefined();
      expect(find(json), `species ${s.id}'s model JSON`).toEqual([]);
      // The projection: the layer set's grid exactly, and no text but the GeoTIFF's own keys.
      const tif = await getModelDownload(get(`/api/distributions/${s.id}/model/${set.id}/download`), params({ ...sp, scenario: String(set.id) }));
      expect(tif.status).toBe(200);
      checked.downloads++;
      const image = await (await fromArrayBuffer(await tif.arrayBuffer())).getImage();
      expect([image.getWidth(), image.getHeight(), image.getOrigin().slice(0, 2), image.getResolution().slice(0, 2)]).toEqual([
        CLIMATE_GRID.width,
        CLIMATE_GRID.height,
        [CLIMATE_GRID.west, CLIMATE_GRID.north],
        [CLIMATE_GRID.resX, -CLIMATE_GRID.resY],
      ]);
      const tags = JSON.stringify(image.getFileDirectory(), (_, v) => (ArrayBuffer.isView(v) && (v as Uint8Array).length > 16 ? "[values]" : v));
      expect(find(tags), `species ${s.id}'s GeoTIFF tags`).toEqual([]);
      // Tiles over the accurate positions: every pixel of one layer cell has one colour, so no
      // tile says more about a position than which 0.1° cell it is in.
      const mine = records.filter((r) => r.speciesId === s.id);
      for (let z = 4; z <= 12; z += 2) {
        const tiles = new Map(mine.map((r) => tileOf(r.accurate.lon, r.accurate.lat, z)).map((t) => [`${t.x}/${t.y}`, t]));
        for (const { x, y } of tiles.values()) {
          const response = await getModelTile(get(`/api/distributions/${s.id}/model/${set.id}/${z}/${x}/${y}.png`), params({ ...sp, scenario: String(set.id), z: String(z), x: String(x), y: `${y}.png` }));
          expect(response.status).toBe(200);
          checked.tiles++;
          const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
          const colourOf = new Map<number, string>();
          let shared = 0;
          const world = png.width * 2 ** z;
          for (let py = 0; py < png.height; py++) {
            const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y * png.height + py + 0.5)) / world))) * 180) / Math.PI;
            const row = Math.floor((CLIMATE_GRID.north - lat) / CLIMATE_GRID.resY);
            for (let px = 0; px < png.width; px++) {
              const lon = ((x * png.width + px + 0.5) / world) * 360 - 180;
              const cell = row * 100_000 + Math.floor((lon - CLIMATE_GRID.west) / CLIMATE_GRID.resX);
              const o = (py * png.width + px) * 4;
              const rgba = png.data.subarray(o, o + 4).join(",");
              const seen = colourOf.get(cell);
              if (seen === undefined) colourOf.set(cell, rgba);
              else {
                shared++;
                expect(rgba, `z${z} ${x}/${y} pixel ${px},${py}: a layer cell of two colours`).toBe(seen);
              }
            }
          }
          // From zoom 8 a 0.1° cell spans several pixels: the check compared something.
          if (z >= 8) expect(shared).toBeGreaterThan(0);
        }
      }
    }
    expect(fitted, "sensitive species with a fitted model").toBeGreaterThan(0);
    // The fits read the accurate positions (lib/distribution/records.ts): what they published was checked against them.
    const { rows } = await f.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM species_models WHERE species_id = ANY($1) AND status = $2", [species.map((s) => s.id), modelStatusCode.ready]);
    expect(rows[0].n).toBe(fitted);
  });

  it("appear in no live-update stream of their species: snapshot, vetting and range events", { timeout: 120_000 }, async () => {
    const expert = await actor("expert");
    const seen: string[] = [];
    for (const s of species) {
      const controller = new AbortController();
      const response = await getEvents(new Request(`${ORIGIN}/api/events?species=${s.id}`, { headers: { "x-forwarded-for": "192.0.2.44" }, signal: controller.signal }));
      expect(response.status).toBe(200);
      const reader = new SseReader(response.body!);
      try {
        const snapshot = await reader.next();
        expect(snapshot?.event).toBe("snapshot");
        seen.push(JSON.stringify(snapshot));
        // A vetting drawn around the accurate positions, and a range rebuilt from them: both announced.
        const mine = records.filter((r) => r.speciesId === s.id);
        const lon = mine.map((r) => r.accurate.lon), lat = mine.map((r) => r.accurate.lat);
        const ring = [[Math.min(...lon) - 0.01, Math.min(...lat) - 0.01], [Math.max(...lon) + 0.01, Math.min(...lat) - 0.01], [Math.max(...lon) + 0.01, Math.max(...lat) + 0.01], [Math.min(...lon) - 0.01, Math.max(...lat) + 0.01]];
        const created = await postVetting(apiRequest("POST", "/api/vettings", { bearer: expert.key }, { speciesId: s.id, classification: "known_valid", area: { type: "Polygon", coordinates: [[...ring, ring[0]]] }, comment: "sweep" }));
        expect(created.status).toBe(201);
        seen.push(await text(created));
        await rebuildDistribution(s.id, { force: true });
        for (const wanted of ["vettings", "distribution"]) {
          const message = await reader.nextOf(wanted);
          expect(message, `a ${wanted} event of species ${s.id}`).not.toBeNull();
          seen.push(JSON.stringify(message));
        }
      } finally {
        await reader.cancel();
        controller.abort();
      }
    }
    checked.answers += seen.length;
    for (const message of seen) expect(find(message)).toEqual([]);
  });

  it("appear in no download of records from another source (a Darwin Core Archive), whose `source` column names it", { timeout: 120_000 }, async () => {
    // The sensitive species' records again, from an archive that generalised them; Edgar is then
    // given their accurate positions, as for the ALA's.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-sweep-dwca-"));
    try {
      const terms = [...TERMS, "dataGeneralizations"];
      const rows = records.map((r, i) => ({
        occurrenceID: `sweep-${i}`,
        scientificName: species.find((s) => s.id === r.speciesId)!.name,
        class: "Aves",
        decimalLatitude: String(r.public.lat),
        decimalLongitude: String(r.public.lon),
        eventDate: "2024-05-01",
        basisOfRecord: "HumanObservation",
        dataGeneralizations: "Coordinates rounded to 0.1 degree",
      }));
      const file = await writeZip(path.join(dir, "sweep.zip"), { "meta.xml": metaXml({ terms }), "eml.xml": EML, "occurrence.txt": coreText(rows, terms) });
      const sourceId = (await addSource(f.db.pool, { kind: "dwca", name: "Sweep survey", settings: { location: file } })).id;
      expect(await runSource(f.db.pool, sourceId)).toMatchObject({ status: "succeeded", added: rows.length });
      const { rows: imported } = await f.db.pool.query<{ id: number; key: string; sensitive: boolean }>("SELECT id, occurrence_key AS key, sensitive FROM occurrences WHERE source = $1", [sourceId]);
      expect(imported.every((r) => r.sensitive)).toBe(true);
      const accurate = new Map(records.map((r, i) => [`sweep-${i}`, { lat: r.accurate.lat + 0.0071, lon: r.accurate.lon - 0.0053 }]));
      for (const r of imported) await f.db.pool.query("INSERT INTO sensitive_coordinates (occurrence_id, lat, lon) VALUES ($1, $2, $3)", [r.id, accurate.get(r.key)!.lat, accurate.get(r.key)!.lon]);
      const findHere = leakFinder([...accurate.values(), ...records.map((r) => r.accurate)]);
      let named = 0;
      for (const s of species) {
        for (const format of ["csv", "geojson"]) {
          const body = await text(await getDownload(get(`/api/species/${s.id}/occurrences?format=${format}&duplicates=show`), params({ id: String(s.id) })), "downloads");
          expect(findHere(body), `species ${s.id} ${format}`).toEqual([]);
          named += (body.match(/Sweep survey/g) ?? []).length;
        }
      }
      // Every imported record was in the downloads, named by its source.
      expect(named).toBeGreaterThanOrEqual(imported.length * 2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("appear in no log line of the worker building ranges and fitting models from them (trace level)", { timeout: 300_000 }, async () => {
    const { rows: fitted } = await f.db.pool.query<{ species_id: number; version: number }>("SELECT species_id, version FROM species_models WHERE species_id = ANY($1) AND status = $2", [
      species.map((s) => s.id),
      modelStatusCode.ready,
    ]);
    expect(fitted.length, "models fitted by the test above, to fit again").toBeGreaterThan(0);
    const worker = spawnTs("workers/main.ts", [], { ...alaEnv(f.sim, 10), DATABASE_URL: f.db.url, DATA_DIR: process.env.DATA_DIR!, SYNC_CRON: "", LOG_LEVEL: "trace", MODEL_BACKGROUND: "1000", MODEL_FIT_ALL: "false" });
    try {
      await worker.waitFor(/"msg":"worker started"/);
      for (const s of species) await enqueueDistribution({ speciesId: s.id }, { urgent: true });
      for (const m of fitted) await enqueueFitModel({ speciesId: m.species_id, requested: true });
      await eventually(
        "the worker to fit the models again",
        async () => {
          const { rows } = await f.db.pool.query<{ species_id: number; version: number }>("SELECT species_id, version FROM species_models WHERE status = $1", [modelStatusCode.ready]);
          return fitted.every((m) => rows.some((r) => r.species_id === m.species_id && r.version > m.version));
        },
        240_000,
      );
    } finally {
      worker.process.kill("SIGTERM");
      await worker.exited;
    }
    const logs = worker.stdout() + worker.stderr();
    const lines = logs.split("\n").filter((l) => l.startsWith('{"level"'));
    checked.logLines += lines.length;
    // The capture is real: the worker's own lines about these species' fits.
    expect(lines.some((l) => fitted.some((m) => l.includes(`"speciesId":${m.species_id}`)) && /model|fit/i.test(l))).toBe(true);
    expect(find(logs)).toEqual([]);
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
