/**
 * Which records count towards a species' range: known valid and assumed valid (contentious ones
 * only when asked), with a position. Known-valid records whose deciding vetting (the most recent
 * live one covering them, as lib/vetting/classify ranks) carries an excluded range qualifier
 * (vagrant and historic by default) stay on the map but are left out here. Sensitive records
 * count at their accurate coordinates where Edgar holds them; the build keeps those out of
 * everything it publishes (publish.ts).
 */
import type pg from "pg";
import { classificationCode, rangeQualifierCode, type RangeQualifier } from "@/lib/domain/codes";
import { AreaIndex, type Area } from "@/lib/geometry/point-in-area";
import { byRecency } from "@/lib/vetting/classify";
import type { CountedRecords } from "./build";

export interface RecordOptions {
  includeContentious: boolean;
  excludedQualifiers: readonly RangeQualifier[];
}

const KNOWN_VALID = classificationCode.known_valid;

export async function countedRecords(db: pg.Pool | pg.PoolClient, speciesId: number, options: RecordOptions): Promise<CountedRecords> {
  const excluded = await excludingVettings(db, speciesId, options.excludedQualifiers);
  const { rows } = await db.query<[number, number, number, number | null, number | null, number | string]>({
    text: `SELECT o.lon, o.lat, o.classification, sc.lon, sc.lat, o.id
             FROM classified_occurrences o
             LEFT JOIN sensitive_coordinates sc ON o.sensitive AND sc.occurrence_id = o.id
            WHERE o.species_id = $1 AND o.lat IS NOT NULL AND o.lon IS NOT NULL
              AND o.classification IN ($2, $3) AND ($4 OR NOT o.contentious)`,
    values: [speciesId, KNOWN_VALID, classificationCode.assumed_valid, options.includeContentious],
    rowMode: "array",
  });
  const lon = new Float64Array(rows.length);
  const lat = new Float64Array(rows.length);
  const publicLon = new Float64Array(rows.length);
  const publicLat = new Float64Array(rows.length);
  const accurate = new Uint8Array(rows.length);
  const ids = new Float64Array(rows.length);
  const covering: number[] = [];
  let n = 0;
  for (const [pLon, pLat, classification, aLon, aLat, id] of rows) {
    if (excluded && classification === KNOWN_VALID && excluded.leavesOut(pLon, pLat, covering)) continue;
    publicLon[n] = pLon;
    publicLat[n] = pLat;
    const held = aLon !== null && aLat !== null;
    lon[n] = held ? aLon : pLon;
    lat[n] = held ? aLat : pLat;
    accurate[n] = held ? 1 : 0;
    ids[n] = Number(id);
    n++;
  }
  return { lon: lon.subarray(0, n), lat: lat.subarray(0, n), publicLon: publicLon.subarray(0, n), publicLat: publicLat.subarray(0, n), accurate: accurate.subarray(0, n), ids: ids.subarray(0, n) };
}

/**
 * The species' live vettings, when any known-valid one has an excluded qualifier (else null: no
 * record is left out). A record is left out when the most recent vetting covering its public
 * position (the one that set its classification) has such a qualifier.
 */
async function excludingVettings(db: pg.Pool | pg.PoolClient, speciesId: number, qualifiers: readonly RangeQualifier[]) {
  if (qualifiers.length === 0) return null;
  const codes = qualifiers.map(rangeQualifierCode);
  const { rows } = await db.query<{ id: number; area: Area; updated_at: Date; range_qualifier: number | null }>(
    `SELECT id, area, updated_at, range_qualifier FROM vettings
      WHERE species_id = $1 AND deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM vettings q WHERE q.species_id = $1 AND q.deleted_at IS NULL AND q.range_qualifier = ANY($2))`,
    [speciesId, codes],
  );
  if (rows.length === 0) return null;
  const ordered = rows.map((r) => ({ id: r.id, updatedAt: r.updated_at, qualifier: r.range_qualifier, area: r.area })).sort(byRecency);
  const index = new AreaIndex(ordered.map((v) => v.area));
  const out = ordered.map((v) => v.qualifier !== null && codes.includes(v.qualifier));
  return {
    leavesOut(lon: number, lat: number, covering: number[]): boolean {
      const k = index.covering(lon, lat, covering);
      if (k === 0) return false;
      // Indexes follow recency: the smallest is the deciding vetting.
      let latest = covering[0];
      for (let a = 1; a < k; a++) if (covering[a] < latest) latest = covering[a];
      return out[latest];
    },
  };
}
