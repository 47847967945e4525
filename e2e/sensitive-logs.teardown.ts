import fs from "node:fs/promises";
import { expect, test as teardown } from "@playwright/test";
import { leakFinder } from "../lib/security/test-leaks";
import { tileOf } from "../lib/tiles/test-helpers";
import { SYSTEM_LOG, withSystemDb } from "./system";
import { PASSWORD, userCli } from "./users";

/**
 * After the whole e2e run (this runs once every spec is done; playwright.config.ts), the web and
 * worker logs, at LOG_LEVEL=trace, hold no sensitive species' accurate coordinate
 * (e2e/sensitive-coordinates.setup.ts gave every sensitive record one). Before searching, the
 * system is made to handle those records on purpose: every one's details, stacks at its public and
 * accurate positions, its tiles, its species' summary and downloads, range products and suitability
 * model (which the worker fits from the accurate positions: JSON, GeoTIFF, tiles) through the web
 * process, and a vetting around the accurate positions that the worker applies.
 */
const EXPERT = "e2e-sensitive-logs@example.org";

interface Sensitive {
  id: number;
  speciesId: number;
  scientificName: string;
  lat: number;
  lon: number;
  accurateLat: number;
  accurateLon: number;
}

teardown("the web and worker logs of the e2e run hold no accurate coordinate of a sensitive record", async ({ request }) => {
  teardown.setTimeout(300_000);
  const records = await withSystemDb(async (db) =>
    (
      await db.query<Sensitive>(
        `SELECT o.id, o.species_id AS "speciesId", s.scientific_name AS "scientificName", o.lat, o.lon, sc.lat AS "accurateLat", sc.lon AS "accurateLon"
           FROM sensitive_coordinates sc JOIN occurrences o ON o.id = sc.occurrence_id JOIN species s ON s.id = o.species_id
          ORDER BY o.id`,
      )
    ).rows,
  );
  expect(records.length, "sensitive records with accurate positions (e2e/sensitive-coordinates.setup.ts)").toBeGreaterThan(5);
  const species = [...new Map(records.map((r) => [r.speciesId, r])).values()];

  // The web process handles every sensitive record and its species.
  let requests = 0;
  const ok = async (path: string) => {
    requests++;
    const response = await request.get(path);
    expect(response.status(), path).toBeLessThan(400);
  };
  for (const s of species) {
    for (const path of ["", "/summary?duplicates=show", "/occurrences?format=csv&duplicates=show", "/occurrences?format=geojson&duplicates=show"]) await ok(`/api/species/${s.speciesId}${path}`);
  }
  for (const r of records) {
    await ok(`/api/occurrences/${r.id}`);
    for (const [lon, lat] of [[r.lon, r.lat], [r.accurateLon, r.accurateLat]]) {
      await ok(`/api/species/${r.speciesId}/stack?lon=${lon}&lat=${lat}&duplicates=show`);
      for (const z of [4, 10, 16]) {
        const { x, y } = tileOf(lon, lat, z);
        await ok(`/api/tiles/${r.speciesId}/${z}/${x}/${y}.pbf?duplicates=show`);
      }
    }
  }

  // Range products, and a suitability model the worker fits from the accurate positions (the demo
  // fits only species someone looked at: this look queues it), its JSON, GeoTIFF and tiles where
  // one was fitted.
  for (const s of species) {
    for (const path of ["", "/range?download=1", "/cells?download=1&contentious=include"]) await ok(`/api/species/${s.speciesId}/distribution${path}`);
    await ok(`/api/distributions/${s.speciesId}/model`);
  }
  const modelled: { speciesId: number; scenarios: { id: number }[] }[] = [];
  for (const s of species) {
    let answer: { status: string; scenarios: { id: number }[] } = { status: "queued", scenarios: [] };
    await expect
      .poll(async () => (answer = await (await request.get(`/api/distributions/${s.speciesId}/model`)).json()).status, { timeout: 120_000 })
      .toMatch(/^(ready|not_enough_records|failed)$/);
    if (answer.status === "ready") modelled.push({ speciesId: s.speciesId, scenarios: answer.scenarios });
  }
  // The e2e world's sensitive species mostly have too few locations for a model; the worker's fit
  // jobs still read their records (accurate positions included) and logged what they decided.
  for (const m of modelled) {
    await ok(`/api/distributions/${m.speciesId}/model?download=1`);
    for (const { id } of m.scenarios) {
      await ok(`/api/distributions/${m.speciesId}/model/${id}/download`);
      for (const r of records.filter((x) => x.speciesId === m.speciesId).slice(0, 3)) {
        const { x, y } = tileOf(r.accurateLon, r.accurateLat, 8);
        await ok(`/api/distributions/${m.speciesId}/model/${id}/8/${x}/${y}.png`);
      }
    }
  }

  // The worker applies a vetting drawn tightly around one species' accurate positions.
  userCli("create", "--email", EXPERT, "--password", PASSWORD, "--role", "expert", "--name", "Sensitive Logs Expert");
  const apiKey = userCli("apikey", "--email", EXPERT, "--name", "e2e sensitive logs");
  const target = species[0];
  const mine = records.filter((r) => r.speciesId === target.speciesId);
  const [x0, x1] = [Math.min(...mine.map((r) => r.accurateLon)) - 0.001, Math.max(...mine.map((r) => r.accurateLon)) + 0.001];
  const [y0, y1] = [Math.min(...mine.map((r) => r.accurateLat)) - 0.001, Math.max(...mine.map((r) => r.accurateLat)) + 0.001];
  const created = await request.post("/ws/vettings", {
    data: { apiKey, species: target.scientificName, area: `POLYGON((${x0} ${y0}, ${x1} ${y0}, ${x1} ${y1}, ${x0} ${y1}, ${x0} ${y0}))`, classification: "known_invalid", comment: "log sweep" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const applied = new RegExp(`"speciesId":${target.speciesId}[,}].*"msg":"vettings applied"`);
  await expect.poll(async () => applied.test(await fs.readFile(SYSTEM_LOG, "utf8")), { timeout: 60_000 }).toBe(true);
  const { id } = await created.json();
  expect((await request.delete(`/ws/vettings/${id}?apiKey=${encodeURIComponent(apiKey)}`)).status()).toBe(200);

  const logs = await fs.readFile(SYSTEM_LOG, "utf8");
  const lines = logs.split("\n").filter(Boolean);
  // The capture is real: the web server's and the worker's own lines, pino's trace level among them.
  expect(logs, "the web process's output").toMatch(/Ready in/);
  expect(logs, "the worker's output").toMatch(/"msg":"worker started"/);
  expect(logs, "the worker's sync").toMatch(/"msg":"sync run succeeded"/);
  expect(lines.length).toBeGreaterThan(20);
  // The accurate positions are still stored: the run had them at hand the whole time.
  expect(await withSystemDb(async (db) => (await db.query("SELECT count(*)::int AS n FROM sensitive_coordinates")).rows[0].n)).toBe(records.length);

  const find = leakFinder(records.map((r) => ({ lat: r.accurateLat, lon: r.accurateLon })));
  // The search works on these logs' own forms: an accurate coordinate written into a line is found.
  expect(find(`{"level":10,"lat":${records[0].accurateLat}}`)).not.toEqual([]);
  expect(find(logs)).toEqual([]);
  console.log(`reliability: e2e log sweep: ${lines.length} lines of the web, worker and simulator (LOG_LEVEL=trace) searched for ${records.length} accurate positions of ${species.length} sensitive species after ${requests} requests for them; found 0`);
});
