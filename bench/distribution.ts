/**
 * The range products of the largest species (lib/distribution): a full build of every product,
 * the rebuild after one vetting (re-classified first, as the worker does), and the warm answers the
 * map's Distribution layer asks for on its first paint (the cells and the range, in the route
 * handlers: the browser's drawing is not measured here).
 */
import type pg from "pg";
import { GET as getProduct } from "@/app/api/species/[id]/distribution/[product]/route";
import { rebuildDistribution } from "@/lib/distribution/store";
import { classificationCode } from "@/lib/domain/codes";
import { applyVettings } from "@/lib/vetting/apply";
import type { Say } from "./progress";
import { centre } from "./reclassify";
import { addExperts, addVetting, drawnPolygon, EXPERTS } from "./vettings";

export interface DistributionFigures {
  records: number;
  recordsUsed: number;
  fullBuildMs: number;
  afterVettingMs: number;
  /** Cells + range answers, second asking (warm). */
  layerWarmMs: number;
  layerBytes: number;
}

export async function benchDistribution(db: pg.Pool, speciesId: number, say: Say): Promise<DistributionFigures> {
  let started = performance.now();
  await rebuildDistribution(speciesId, { force: true });
  const fullBuildMs = Math.round(performance.now() - started);
  say(`  every product: ${fullBuildMs} ms`);

  await addExperts(db);
  await addVetting(db, speciesId, EXPERTS[1], classificationCode.known_invalid, drawnPolygon(...(await centre(db, speciesId)), 0.3, 60, 11));
  await applyVettings(db, speciesId);
  started = performance.now();
  const rebuilt = await rebuildDistribution(speciesId);
  const afterVettingMs = Math.round(performance.now() - started);
  if (!rebuilt.built) throw new Error("the vetting did not make the distribution stale");
  say(`  rebuilt after one vetting: ${afterVettingMs} ms`);

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
  return { records: rows[0].n, recordsUsed: rows[0].used, fullBuildMs, afterVettingMs, layerWarmMs, layerBytes };
}
