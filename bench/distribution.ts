/**
 * The range products of the largest species (lib/distribution): a full build of every product,
 * the rebuild after one vetting (re-classified first, as the worker does), and the warm answers the
 * map's Distribution layer asks for on its first paint (the cells and the range, in the route
 * handlers: the browser's drawing is not measured here).
 *
 * `npm run bench` runs it on its largest species after the re-classification phase. Alone,
 * `npx tsx bench/distribution.ts [--world N]` copies the largest species of an N-record world
 * (default 5 000 000: Gymnorhina tibicen, 1.2 M records) into a fresh database, applies the same 30
 * realistic vettings first, and measures the same figures, without the quarter-hour import.
 */
import "./env";
import os from "node:os";
import type pg from "pg";
import { GET as getProduct } from "@/app/api/species/[id]/distribution/[product]/route";
import { rebuildDistribution } from "@/lib/distribution/store";
import { classificationCode } from "@/lib/domain/codes";
import { World } from "@/lib/simulator/world";
import { applyVettings } from "@/lib/vetting/apply";
import { runIfMain } from "./child";
import { withBenchDatabase, worldArg } from "./database";
import { copyLargestSpecies } from "./large-species";
import { publishFigures } from "./report";
import type { Say } from "./progress";
import { centre } from "./reclassify";
import { addExperts, addRealisticVettings, addVetting, drawnPolygon, EXPERTS } from "./vettings";

export interface DistributionFigures {
  records: number;
  recordsUsed: number;
  fullBuildMs: number;
  afterVettingMs: number;
  /** Until the default variant of that rebuild was stored (the page's; the contentious one follows). Missing in results before 2026-12-06. */
  afterVettingDefaultMs?: number;
  /**
   * The rebuild after the same area is vetted the same way again (by the same expert, so that no
   * other vetting's order decides): no record that counts changes, so the stored products are
   * re-stamped, not built. Missing in results before 2026-12-07.
   */
  afterConfirmingMs?: number;
  /** Cells + range answers, second asking (warm). */
  layerWarmMs: number;
  layerBytes: number;
  /**
   * CPU seconds of this process (the build runs in it, one thread) and, when the caller can see its
   * processes, of PostgreSQL, for the full build and the rebuild after the vetting: on a shared
   * machine wall times say more about the load than about the build.
   */
  cpu?: { fullBuild: { edgar: number; database: number | null }; afterVetting: { edgar: number; database: number | null } };
}

/** CPU seconds used by `run`: this process's, and the database's when `databaseCpu` sees it. */
async function withCpu<T>(run: () => Promise<T>, databaseCpu?: () => number | null): Promise<{ result: T; edgar: number; database: number | null }> {
  const own = process.cpuUsage();
  const db0 = databaseCpu?.() ?? null;
  const result = await run();
  const used = process.cpuUsage(own);
  const db1 = databaseCpu?.() ?? null;
  return { result, edgar: Math.round((used.user + used.system) / 1e4) / 100, database: db0 === null || db1 === null ? null : Math.round((db1 - db0) * 100) / 100 };
}

export async function benchDistribution(db: pg.Pool, speciesId: number, say: Say, databaseCpu?: () => number | null): Promise<DistributionFigures> {
  let started = performance.now();
  const full = await withCpu(() => rebuildDistribution(speciesId, { force: true }), databaseCpu);
  const fullBuildMs = Math.round(performance.now() - started);
  say(`  every product: ${fullBuildMs} ms (CPU: ${full.edgar} s here, ${full.database ?? "?"} s PostgreSQL)`);

  await addExperts(db);
  const area = drawnPolygon(...(await centre(db, speciesId)), 0.3, 60, 11);
  await addVetting(db, speciesId, EXPERTS[1], classificationCode.known_invalid, area);
  await applyVettings(db, speciesId);
  started = performance.now();
  const after = await withCpu(() => rebuildDistribution(speciesId), databaseCpu);
  const afterVettingMs = Math.round(performance.now() - started);
  if (!after.result.built) throw new Error("the vetting did not make the distribution stale");
  const afterVettingDefaultMs = after.result.variants[0].storedMs;
  say(`  rebuilt after one vetting: ${afterVettingMs} ms, the default variant stored after ${afterVettingDefaultMs} ms (CPU: ${after.edgar} s here, ${after.database ?? "?"} s PostgreSQL)`);

  await addVetting(db, speciesId, EXPERTS[1], classificationCode.known_invalid, area);
  await applyVettings(db, speciesId);
  started = performance.now();
  const confirmed = await rebuildDistribution(speciesId);
  const afterConfirmingMs = Math.round(performance.now() - started);
  if (!confirmed.variants.length || !confirmed.variants.every((v) => v.restamped)) throw new Error("a confirming vetting should re-stamp every variant, not build it");
  say(`  after the same vetting again (nothing that counts changed): ${afterConfirmingMs} ms`);

  const layer = async () => {
    let bytes = 0;
    for (const product of ["cells", "range"]) {
      const response = await getProduct(new Request(`http://bench/api/species/${speciesId}/distribution/${product}`), { params: Promise.resolve({ id: String(speciesId), product }) });
      bytes += (await response.arrayBuffer()).byteLength;
    }
    return bytes;
  };
  await layer();
  started = performance.now();
  const layerBytes = await layer();
  const layerWarmMs = Math.round((performance.now() - started) * 10) / 10;
  say(`  layer answers, warm: ${layerWarmMs} ms, ${layerBytes.toLocaleString("en")} bytes`);

  const { rows } = await db.query<{ n: number; used: number }>(
    `SELECT (SELECT count(*)::int FROM occurrences WHERE species_id = $1) AS n,
            (SELECT records_used FROM species_distributions WHERE species_id = $1 AND NOT include_contentious) AS used`,
    [speciesId],
  );
  const cpu = { fullBuild: { edgar: full.edgar, database: full.database }, afterVetting: { edgar: after.edgar, database: after.database } };
  return { records: rows[0].n, recordsUsed: rows[0].used, fullBuildMs, afterVettingMs, afterVettingDefaultMs, afterConfirmingMs, layerWarmMs, layerBytes, cpu };
}

/** Standalone: a fresh database of its own, the figures as JSON on stdout and in bench/results/distribution-<date>.json. */
async function main(): Promise<void> {
  const worldRecords = worldArg(process.argv);
  const say = (line: string) => console.error(line);
  await withBenchDatabase(async (db) => {
    say(`generating a ${worldRecords.toLocaleString("en")}-record world for its largest species`);
    const { speciesId, name, records } = await copyLargestSpecies(await World.create({ records: worldRecords, seed: 1 }));
    await addExperts(db.pool);
    const { count } = await addRealisticVettings(db.pool, speciesId);
    await applyVettings(db.pool, speciesId);
    const { rows } = await db.pool.query<{ contentious: number }>("SELECT contentious_count AS contentious FROM species WHERE id = $1", [speciesId]);
    say(`${name}: ${records.toLocaleString("en")} records, ${count} vettings applied, ${rows[0].contentious.toLocaleString("en")} contentious`);
    const loadBefore = os.loadavg();
    const figures = await benchDistribution(db.pool, speciesId, say, () => db.processes.cpu());
    const result = {
      date: new Date().toISOString(),
      worldRecords,
      scientificName: name,
      vettings: count,
      contentious: rows[0].contentious,
      loadAverage: { before: loadBefore, after: os.loadavg() },
      ...figures,
    };
    publishFigures("distribution", result);
  });
}

runIfMain(import.meta.url, main);
