/**
 * Expert range polygons imported as vettings, as the original Edgar imported BirdLife Australia's
 * (birdlife_shapefile_import.py): one vetting per polygon feature, owned by a named source account
 * so they are attributable and removable as a set. Each polygon passes the same checks as a drawn
 * area (lib/geometry/validate.ts); one with more corners than a vetting may have is simplified
 * (@turf/simplify, Douglas–Peucker) with a growing tolerance until it fits. Names that match no
 * species, and features that cannot be used, are reported, never dropped silently.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import simplify from "@turf/simplify";
import type { MultiPolygon, Polygon } from "geojson";
import { pool } from "@/lib/db/pool";
import { transaction } from "@/lib/db/transaction";
import { classificationCode, rangeQualifierCode } from "@/lib/domain/codes";
import { bboxOf } from "@/lib/geometry/bbox";
import type { Area } from "@/lib/geometry/point-in-area";
import { GEOMETRY_LIMITS, GeometryError, validateArea } from "@/lib/geometry/validate";
import { enqueueApplyVettings } from "@/lib/jobs/queue";
import { log } from "@/lib/log";
import { rangeClass, RangeClassError } from "./classes";
import type { RangeFeature } from "./read";

export interface RangeImportOptions {
  /** The source account's name, e.g. "BirdLife Australia"; made on first use. */
  source: string;
  fileName: string;
  /** The field holding the species' scientific name. */
  nameField: string;
  /** The field whose value gives the classification (and the qualifier unless qualifierField does). */
  classField: string;
  qualifierField?: string;
  /** Each vetting's comment; by default it names the source and the file. */
  comment?: string;
}

export interface RangeImportReport {
  /** null when nothing could be imported (then nothing was stored). */
  id: number | null;
  /** The source account; its id is null when nothing was stored (the account is made only with an import). */
  source: { id: string | null; name: string };
  features: number;
  vettings: number;
  species: number;
  simplified: number;
  unmatchedNames: { name: string; features: number }[];
  problems: { feature: number; name: string | null; message: string }[];
}

export class RangeImportError extends Error {}

/** Douglas–Peucker tolerances tried, in degrees (about 10 m to 10 km), until the polygon fits. */
const TOLERANCES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1];
/** Rows per INSERT: a continent's ranges are thousands of polygons. */
const INSERT_BATCH = 200;

function vertexCount(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.reduce((n, rings) => n + rings.reduce((m, ring) => m + Math.max(ring.length - 1, 0), 0), 0);
}

/** The feature's geometry as a valid area, simplified if it has too many corners; GeometryError otherwise. */
export function rangeArea(geometry: unknown): { area: Area; simplified: boolean } {
  if (geometry === null || geometry === undefined) throw new GeometryError("has no geometry");
  const g = geometry as { type?: unknown };
  if ((g.type !== "Polygon" && g.type !== "MultiPolygon") || !Array.isArray((geometry as Polygon).coordinates)) return { area: validateArea(geometry), simplified: false };
  const shape = geometry as Polygon | MultiPolygon;
  if (vertexCount(shape) <= GEOMETRY_LIMITS.maxVertices) return { area: validateArea(shape), simplified: false };
  let last: unknown;
  for (const tolerance of TOLERANCES) {
    const smaller = simplify(shape, { tolerance, highQuality: false, mutate: false }) as Polygon | MultiPolygon;
    if (vertexCount(smaller) > GEOMETRY_LIMITS.maxVertices) continue;
    try {
      return { area: validateArea(smaller), simplified: true };
    } catch (err) {
      // Simplifying can make sides cross; a larger tolerance may not.
      last = err;
    }
  }
  if (last instanceof GeometryError) throw new GeometryError(`${last.message} (after simplifying its ${vertexCount(shape)} corners)`);
  throw new GeometryError(`has ${vertexCount(shape)} corners and cannot be simplified to ${GEOMETRY_LIMITS.maxVertices} within ${TOLERANCES.at(-1)}°`);
}

function normalName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * Every species name (lower-cased) to the active species it means: a merged species' name means
 * the species it was merged into, as for /ws/vettings.
 */
async function speciesByName(): Promise<Map<string, number>> {
  const { rows } = await pool().query<{ name: string; id: number | null }>(
    `SELECT lower(s.scientific_name) AS name,
            CASE WHEN s.status = 'active' THEN s.id WHEN s.status = 'merged' AND a.status = 'active' THEN a.id END AS id
       FROM species s LEFT JOIN species a ON a.id = s.accepted_species_id
      ORDER BY (s.status = 'active') DESC, s.id DESC`,
  );
  const map = new Map<string, number>();
  // Active first, and the first of a name wins, so a retired homonym never hides an active species.
  for (const r of rows) if (r.id !== null && !map.has(r.name)) map.set(r.name, r.id);
  return map;
}

/** By the whole name, else by genus and epithet alone (a subspecies, or an authorship after the name). */
function matchSpecies(name: string, byName: Map<string, number>): number | undefined {
  const n = normalName(name);
  return byName.get(n) ?? byName.get(n.split(" ").slice(0, 2).join(" "));
}

function sourceName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (trimmed === "" || trimmed.length > 200) throw new RangeImportError("the source's name must be 1 to 200 characters");
  return trimmed;
}

/** The source account of that name (any case), made on first use: an expert that can never sign in. */
export async function sourceAccount(name: string, db: Pick<pg.Pool, "query"> = pool()): Promise<{ id: string; name: string }> {
  const trimmed = sourceName(name);
  const id = randomUUID();
  const slug = trimmed.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "source";
  // .invalid (RFC 2606): the address is only a unique key; nobody can mail or sign in as it.
  // The unique index on lower(name) of source accounts settles two imports naming a new source at once.
  const created = await db.query<{ id: string; name: string }>(
    `INSERT INTO "user" (id, name, email, role, kind) VALUES ($1, $2, $3, 'expert', 'source')
     ON CONFLICT (lower(name)) WHERE kind = 'source' DO NOTHING RETURNING id, name`,
    [id, trimmed, `${slug}-${id.slice(0, 8)}@source.invalid`],
  );
  if (created.rows[0]) {
    log.info({ id, name: trimmed }, "source account created");
    return created.rows[0];
  }
  const { rows } = await db.query<{ id: string; name: string }>(`SELECT id, name FROM "user" WHERE kind = 'source' AND lower(name) = lower($1)`, [trimmed]);
  return rows[0];
}

function fieldValue(properties: Record<string, unknown>, field: string): unknown {
  if (field in properties) return properties[field];
  // Shapefile field names are often upper case in one file and lower in another.
  const key = Object.keys(properties).find((k) => k.toLowerCase() === field.toLowerCase());
  return key === undefined ? undefined : properties[key];
}

/** Refuses the whole file when a named field is in none of its features, listing the fields it has. */
function checkFields(features: RangeFeature[], options: RangeImportOptions): void {
  const fields = new Set(features.flatMap((f) => Object.keys(f.properties)));
  const lower = new Set([...fields].map((f) => f.toLowerCase()));
  for (const [flag, field] of [["name", options.nameField], ["class", options.classField], ["qualifier", options.qualifierField]] as const) {
    if (field !== undefined && !lower.has(field.toLowerCase())) {
      throw new RangeImportError(`the ${flag} field "${field}" is in none of the ${features.length} features; their fields are: ${[...fields].join(", ") || "(none)"}`);
    }
  }
}

interface Prepared {
  speciesId: number;
  classification: number;
  rangeQualifier: number | null;
  area: Area;
}

export async function importRanges(features: RangeFeature[], options: RangeImportOptions): Promise<RangeImportReport> {
  if (features.length === 0) throw new RangeImportError("the file has no features");
  checkFields(features, options);
  const source = { id: null as string | null, name: sourceName(options.source) };
  const byName = await speciesByName();
  const unmatched = new Map<string, number>();
  const problems: RangeImportReport["problems"] = [];
  const prepared: Prepared[] = [];
  let simplified = 0;
  for (const feature of features) {
    const rawName = fieldValue(feature.properties, options.nameField);
    const name = typeof rawName === "string" && rawName.trim() !== "" ? rawName.trim() : null;
    if (name === null) {
      problems.push({ feature: feature.index, name: null, message: `has no species name in "${options.nameField}"` });
      continue;
    }
    const speciesId = matchSpecies(name, byName);
    if (speciesId === undefined) {
      unmatched.set(name, (unmatched.get(name) ?? 0) + 1);
      continue;
    }
    try {
      const cls = rangeClass(fieldValue(feature.properties, options.classField), options.qualifierField ? fieldValue(feature.properties, options.qualifierField) : undefined);
      const { area, simplified: wasSimplified } = rangeArea(feature.geometry);
      if (wasSimplified) simplified++;
      prepared.push({
        speciesId,
        classification: classificationCode[cls.classification],
        rangeQualifier: cls.rangeQualifier ? rangeQualifierCode(cls.rangeQualifier) : null,
        area,
      });
    } catch (err) {
      if (!(err instanceof GeometryError) && !(err instanceof RangeClassError)) throw err;
      problems.push({ feature: feature.index, name, message: err instanceof GeometryError ? `area ${err.message}` : err.message });
    }
  }
  const report: RangeImportReport = {
    id: null,
    source,
    features: features.length,
    vettings: prepared.length,
    species: new Set(prepared.map((p) => p.speciesId)).size,
    simplified,
    unmatchedNames: [...unmatched].map(([name, n]) => ({ name, features: n })).sort((a, b) => a.name.localeCompare(b.name)),
    problems,
  };
  if (prepared.length === 0) return report;
  const comment = options.comment?.trim() || `Range polygon imported from ${source.name} (${options.fileName})`;
  report.id = await transaction(async (client) => {
    const account = await sourceAccount(source.name, client);
    Object.assign(source, account);
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO range_imports (source_user_id, file_name, name_field, class_field, qualifier_field, report) VALUES ($1, $2, $3, $4, $5, '{}') RETURNING id`,
      [source.id, options.fileName, options.nameField, options.classField, options.qualifierField ?? null],
    );
    const importId = rows[0].id;
    for (let i = 0; i < prepared.length; i += INSERT_BATCH) {
      const batch = prepared.slice(i, i + INSERT_BATCH);
      const boxes = batch.map((p) => bboxOf(p.area));
      await client.query(
        `INSERT INTO vettings (species_id, author_id, classification, range_qualifier, area, min_lon, min_lat, max_lon, max_lat, comment, channel, range_import_id)
         SELECT v.species_id, $1, v.classification, v.range_qualifier, v.area, v.min_lon, v.min_lat, v.max_lon, v.max_lat, $2, 'import', $3
           FROM unnest($4::int[], $5::int2[], $6::int2[], $7::jsonb[], $8::float8[], $9::float8[], $10::float8[], $11::float8[])
                WITH ORDINALITY AS v(species_id, classification, range_qualifier, area, min_lon, min_lat, max_lon, max_lat, n)
          ORDER BY v.n`,
        [
          source.id,
          comment,
          importId,
          batch.map((p) => p.speciesId),
          batch.map((p) => p.classification),
          batch.map((p) => p.rangeQualifier),
          batch.map((p) => JSON.stringify(p.area)),
          boxes.map((b) => b[0]),
          boxes.map((b) => b[1]),
          boxes.map((b) => b[2]),
          boxes.map((b) => b[3]),
        ],
      );
    }
    await client.query("UPDATE range_imports SET report = $2 WHERE id = $1", [importId, JSON.stringify({ ...report, id: importId })]);
    return importId;
  });
  await requestReclassification([...new Set(prepared.map((p) => p.speciesId))]);
  log.info({ importId: report.id, source: source.name, vettings: report.vettings, unmatched: report.unmatchedNames.length, problems: problems.length }, "range polygons imported");
  return report;
}

/** As for any vetting change: the queue failing leaves the vettings stored, applied by the species' next change or sync. */
async function requestReclassification(speciesIds: number[]): Promise<void> {
  for (const speciesId of speciesIds) {
    try {
      await enqueueApplyVettings({ speciesId });
    } catch (err) {
      log.error({ err, speciesId }, "could not queue re-classification after a range import");
    }
  }
}

export interface RangeImportSummary {
  id: number;
  source: { id: string; name: string };
  fileName: string;
  nameField: string;
  classField: string;
  qualifierField: string | null;
  createdAt: string;
  removedAt: string | null;
  /** Its vettings still live. */
  liveVettings: number;
  report: RangeImportReport;
}

export async function listRangeImports(): Promise<RangeImportSummary[]> {
  const { rows } = await pool().query<{
    id: number;
    source_user_id: string;
    source_name: string;
    file_name: string;
    name_field: string;
    class_field: string;
    qualifier_field: string | null;
    created_at: Date;
    removed_at: Date | null;
    live: number;
    report: RangeImportReport;
  }>(
    `SELECT r.id, r.source_user_id, u.name AS source_name, r.file_name, r.name_field, r.class_field, r.qualifier_field, r.created_at, r.removed_at, r.report,
            (SELECT count(*)::int FROM vettings v WHERE v.range_import_id = r.id AND v.deleted_at IS NULL) AS live
       FROM range_imports r JOIN "user" u ON u.id = r.source_user_id ORDER BY r.id DESC`,
  );
  return rows.map((r) => ({
    id: r.id,
    source: { id: r.source_user_id, name: r.source_name },
    fileName: r.file_name,
    nameField: r.name_field,
    classField: r.class_field,
    qualifierField: r.qualifier_field,
    createdAt: r.created_at.toISOString(),
    removedAt: r.removed_at?.toISOString() ?? null,
    liveVettings: r.live,
    report: r.report,
  }));
}

/**
 * Removes an import's vettings as a set: each is marked deleted (history kept in vetting_revisions,
 * as for any deletion) and the species re-classified. Vettings of the import already deleted stay so.
 */
export async function removeRangeImport(id: number, removedBy: string | null = null): Promise<{ id: number; removed: number }> {
  const { removed, speciesIds } = await transaction(async (client) => {
    const { rows } = await client.query<{ removed_at: Date | null; source_user_id: string }>("SELECT removed_at, source_user_id FROM range_imports WHERE id = $1 FOR UPDATE", [id]);
    if (!rows[0]) throw new RangeImportError(`there is no range import ${id}`);
    if (rows[0].removed_at) throw new RangeImportError(`range import ${id} was already removed on ${rows[0].removed_at.toISOString()}`);
    await client.query(
      `INSERT INTO vetting_revisions (vetting_id, classification, range_qualifier, area, comment, changed_by_id)
       SELECT id, classification, range_qualifier, area, comment, $2 FROM vettings WHERE range_import_id = $1 AND deleted_at IS NULL`,
      [id, removedBy ?? rows[0].source_user_id],
    );
    const deleted = await client.query<{ species_id: number }>(
      "UPDATE vettings SET deleted_at = now() WHERE range_import_id = $1 AND deleted_at IS NULL RETURNING species_id",
      [id],
    );
    await client.query("UPDATE range_imports SET removed_at = now() WHERE id = $1", [id]);
    return { removed: deleted.rowCount ?? 0, speciesIds: [...new Set(deleted.rows.map((r) => r.species_id))] };
  });
  await requestReclassification(speciesIds);
  log.info({ importId: id, removed }, "range import removed");
  return { id, removed };
}
