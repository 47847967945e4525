/**
 * Re-classification of the largest species (lib/vetting/apply applyVettings, what the vetting job
 * runs after every create, change or delete), in the situations an expert's edits cause.
 */
import type pg from "pg";
import { classificationCode } from "@/lib/domain/codes";
import { applyVettings } from "@/lib/vetting/apply";
import type { Say } from "./progress";
import { addExperts, addRealisticVettings, addVetting, boxPolygon, drawnPolygon, EXPERTS } from "./vettings";

/**
 * bulk: many vettings at once (a fresh species' backlog); one vetting: one expert's edit on top of
 * the species' existing vettings, as experts draw them; whole range: one vetting covering every
 * record, the worst case (every record changes).
 */
export type ReclassifyKind = "bulk" | "one vetting" | "whole range";

export interface ReclassifyCase {
  name: string;
  ms: number;
  changed: number;
  kind: ReclassifyKind;
}

export interface ReclassifyFigures {
  speciesId: number;
  records: number;
  vettings: number;
  maxVertices: number;
  cases: ReclassifyCase[];
  /** The slowest "one vetting" case (created, changed or deleted). */
  oneVettingMs: number;
  /** The slowest "whole range" case. */
  wholeRangeMs: number;
}

export async function benchReclassify(db: pg.Pool, speciesId: number, say: Say): Promise<ReclassifyFigures> {
  const cases: ReclassifyCase[] = [];
  const run = async (name: string, kind: ReclassifyKind) => {
    const started = performance.now();
    const { changed } = await applyVettings(db, speciesId);
    const ms = Math.round(performance.now() - started);
    cases.push({ name, ms, changed, kind });
    say(`  ${name}: ${ms} ms, ${changed.toLocaleString("en")} records changed`);
  };
  await addExperts(db);
  const { count, detailedId } = await addRealisticVettings(db, speciesId);
  await run(`${count} vettings applied at once (every area is new)`, "bulk");
  await run("nothing changed since", "bulk");
  await addVetting(db, speciesId, EXPERTS[2], classificationCode.known_invalid, drawnPolygon(...(await centre(db, speciesId)), 0.3, 60, 7));
  await run("one more small vetting", "one vetting");
  await db.query("UPDATE vettings SET classification = $2, updated_at = now() WHERE id = $1", [detailedId, classificationCode.known_valid]);
  await run("the 10 000-vertex vetting changes its classification", "one vetting");
  await db.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [detailedId]);
  await run("the 10 000-vertex vetting deleted", "one vetting");
  const [minLon, minLat, maxLon, maxLat] = await extent(db, speciesId);
  const whole = await addVetting(db, speciesId, EXPERTS[0], classificationCode.known_valid, boxPolygon(minLon - 0.1, minLat - 0.1, maxLon + 0.1, maxLat + 0.1, 50));
  await run("one vetting over the whole range (every record changes)", "whole range");
  await db.query("UPDATE vettings SET deleted_at = now() WHERE id = $1", [whole]);
  await run("the whole-range vetting deleted again", "whole range");
  const { rows } = await db.query<{ n: number; v: number }>(
    "SELECT (SELECT count(*)::int FROM occurrences WHERE species_id = $1) AS n, (SELECT count(*)::int FROM vettings WHERE species_id = $1 AND deleted_at IS NULL) AS v",
    [speciesId],
  );
  const slowest = (kind: ReclassifyKind) => Math.max(...cases.filter((c) => c.kind === kind).map((c) => c.ms));
  return {
    speciesId,
    records: rows[0].n,
    vettings: rows[0].v,
    maxVertices: 10_000,
    cases,
    oneVettingMs: slowest("one vetting"),
    wholeRangeMs: slowest("whole range"),
  };
}

async function extent(db: pg.Pool, speciesId: number): Promise<[number, number, number, number]> {
  const { rows } = await db.query<{ b: [number, number, number, number] }>(
    "SELECT ARRAY[min(lon), min(lat), max(lon), max(lat)]::float8[] AS b FROM occurrences WHERE species_id = $1 AND lat IS NOT NULL",
    [speciesId],
  );
  return rows[0].b;
}

/** The median record position of the species. */
export async function centre(db: pg.Pool, speciesId: number): Promise<[number, number]> {
  const { rows } = await db.query<{ lon: number; lat: number }>(
    "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY lon)::float8 AS lon, percentile_disc(0.5) WITHIN GROUP (ORDER BY lat)::float8 AS lat FROM occurrences WHERE species_id = $1 AND lat IS NOT NULL",
    [speciesId],
  );
  return [rows[0].lon ?? 134, rows[0].lat ?? -27];
}
