/**
 * Vettings as people see them: create, change, soft-delete, list. Every change keeps the previous
 * state in vetting_revisions; a deleted vetting is never changed or restored. After each change
 * the species is re-classified by a job (lib/jobs), never inside the request.
 */
import type pg from "pg";
import { z } from "zod";
import { VETTING_ROLES, type AuthUser } from "@/lib/auth/roles";
import { pool } from "@/lib/db/pool";
import { transaction } from "@/lib/db/transaction";
import { classificationCode, classificationName, RANGE_QUALIFIERS, rangeQualifierCode, rangeQualifierName, type RangeQualifier } from "@/lib/domain/codes";
import { bboxOf } from "@/lib/geometry/bbox";
import type { Area } from "@/lib/geometry/point-in-area";
import { GeometryError } from "@/lib/geometry/validate";
import { MAX_ID } from "@/lib/http/ids";
import { HttpError } from "@/lib/http/respond";
import { enqueueApplyVettings } from "@/lib/jobs/queue";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { pushSettings, type PushState } from "./push";
import { vettableSpeciesById } from "./species";

export const VETTING_CLASSIFICATIONS = ["known_valid", "known_invalid"] as const;
export const vettingClassificationSchema = z.enum(VETTING_CLASSIFICATIONS, {
  error: `must be "known_valid" or "known_invalid"`,
});
export type VettingClassification = z.infer<typeof vettingClassificationSchema>;

/** Only a known-valid vetting takes one; null (or absent) means none. */
export const rangeQualifierSchema = z.enum(RANGE_QUALIFIERS, { error: `must be one of ${RANGE_QUALIFIERS.map((q) => `"${q}"`).join(", ")} or null` }).nullable();

export const MAX_COMMENT_LENGTH = 2_000;
/** Trimmed; empty means no comment. */
export const commentSchema = z
  .string()
  .max(MAX_COMMENT_LENGTH, `must be at most ${MAX_COMMENT_LENGTH} characters`)
  .nullable()
  .transform((c) => (c === null || c.trim() === "" ? null : c.trim()));

/** The contract's vetting. */
export interface Vetting {
  id: number;
  speciesId: number;
  classification: VettingClassification;
  /** Only on known_valid vettings (docs/distribution.md). */
  rangeQualifier: RangeQualifier | null;
  area: Area;
  comment: string | null;
  author: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
}

/** A vetting with what its author's list (/vettings) and the /ws service also show. */
export interface VettingDetail extends Vetting {
  species: { id: number; scientificName: string; commonName: string | null; status: string };
  channel: "web" | "ws" | "import";
  firstLoadedDate: string;
  /** Where its push to the ALA's vetting service stands; null when pushing is off or it is not pushed (a source account's). */
  alaPush: { state: PushState; reason: string | null; sentAt: string | null } | null;
}

export interface NewVetting {
  speciesId: number;
  classification: VettingClassification;
  rangeQualifier?: RangeQualifier | null;
  area: Area;
  comment: string | null;
}

export interface VettingChange {
  classification?: VettingClassification;
  rangeQualifier?: RangeQualifier | null;
  area?: Area;
  comment?: string | null;
}

interface Row {
  id: number;
  species_id: number;
  author_id: string;
  author_name: string;
  classification: number;
  range_qualifier: number | null;
  area: Area;
  comment: string | null;
  channel: "web" | "ws" | "import";
  created_at: Date;
  updated_at: Date;
  first_loaded_at: Date;
  deleted_at: Date | null;
  scientific_name: string;
  common_name: string | null;
  species_status: string;
  push_state: PushState | null;
  push_reason: string | null;
  push_sent_at: Date | null;
}

const SELECT = `
  SELECT v.id, v.species_id, v.author_id, u.name AS author_name, v.classification, v.range_qualifier, v.area, v.comment, v.channel,
         v.created_at, v.updated_at, v.first_loaded_at, v.deleted_at,
         s.scientific_name, s.common_name, s.status AS species_status,
         o.state AS push_state, o.refused_reason AS push_reason, o.sent_at AS push_sent_at
    FROM vettings v JOIN "user" u ON u.id = v.author_id JOIN species s ON s.id = v.species_id
    LEFT JOIN vetting_outbox o ON o.vetting_id = v.id`;

function toVetting(r: Row): Vetting {
  return {
    id: r.id,
    speciesId: r.species_id,
    classification: classificationName(r.classification) as VettingClassification,
    rangeQualifier: rangeQualifierName(r.range_qualifier),
    area: r.area,
    comment: r.comment,
    author: { id: r.author_id, name: r.author_name },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toDetail(r: Row): VettingDetail {
  return {
    ...toVetting(r),
    species: { id: r.species_id, scientificName: r.scientific_name, commonName: r.common_name, status: r.species_status },
    channel: r.channel,
    firstLoadedDate: r.first_loaded_at.toISOString(),
    alaPush:
      r.push_state && pushSettings(config())
        ? { state: r.push_state, reason: r.push_state === "refused" ? r.push_reason : null, sentAt: r.push_sent_at?.toISOString() ?? null }
        : null,
  };
}

/** A GeometryError as the API's 400, naming the field. */
export function areaFrom<T>(value: T, parse: (value: T) => Area): Area {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof GeometryError) throw new HttpError(400, err.code, `area ${err.message}.`);
    throw err;
  }
}

/** A species' live vettings, oldest first. */
export async function listVettings(speciesId: number): Promise<Vetting[]> {
  const { rows } = await pool().query<Row>(`${SELECT} WHERE v.species_id = $1 AND v.deleted_at IS NULL ORDER BY v.id`, [speciesId]);
  return rows.map(toVetting);
}

/** One live vetting, or null (unknown or deleted). */
export async function getVetting(id: number): Promise<VettingDetail | null> {
  const { rows } = await pool().query<Row>(`${SELECT} WHERE v.id = $1 AND v.deleted_at IS NULL`, [id]);
  return rows[0] ? toDetail(rows[0]) : null;
}

/** An author's live vettings, most recently changed first. */
export async function listAuthorVettings(authorId: string): Promise<VettingDetail[]> {
  const { rows } = await pool().query<Row>(
    `${SELECT} WHERE v.author_id = $1 AND v.deleted_at IS NULL ORDER BY v.updated_at DESC, v.id DESC`,
    [authorId],
  );
  return rows.map(toDetail);
}

function assertMayVet(actor: AuthUser): void {
  if (!VETTING_ROLES.includes(actor.role)) {
    throw new HttpError(403, "forbidden", `Only experts and admins vet; this account's role is ${actor.role}.`);
  }
}

/** Re-classification is the worker's job; a failure to queue it must not undo the stored vetting. */
async function requestReclassification(speciesId: number): Promise<void> {
  try {
    await enqueueApplyVettings({ speciesId });
  } catch (err) {
    log.error({ err, speciesId }, "could not queue re-classification; it runs with the species' next vetting change or sync");
  }
}

/** Stores a vetting by `actor` (an expert or admin); the species must be active (species.ts). */
export async function createVetting(
  actor: AuthUser,
  input: NewVetting,
  source: { channel: "web" | "ws"; raw?: unknown } = { channel: "web" },
): Promise<VettingDetail> {
  assertMayVet(actor);
  assertQualifierFits(input.classification, input.rangeQualifier ?? null);
  await vettableSpeciesById(input.speciesId);
  const [minLon, minLat, maxLon, maxLat] = bboxOf(input.area);
  const { rows } = await pool().query<{ id: number }>(
    `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat, comment, channel, raw, range_qualifier)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      input.speciesId,
      actor.id,
      classificationCode[input.classification],
      JSON.stringify(input.area),
      minLon,
      minLat,
      maxLon,
      maxLat,
      input.comment,
      source.channel,
      source.raw === undefined ? null : JSON.stringify(source.raw),
      input.rangeQualifier ? rangeQualifierCode(input.rangeQualifier) : null,
    ],
  );
  await requestReclassification(input.speciesId);
  return (await getVetting(rows[0].id))!;
}

/**
 * Locks the vetting and checks that `actor` may change it: 404 unknown, 409 deleted, 403 when
 * neither its author nor an admin.
 */
async function lockForChange(client: pg.PoolClient, actor: AuthUser, id: number): Promise<{ species_id: number; classification: number }> {
  assertMayVet(actor);
  const { rows } = await client.query<{ species_id: number; classification: number; author_id: string; deleted_at: Date | null }>(
    "SELECT species_id, classification, author_id, deleted_at FROM vettings WHERE id = $1 FOR UPDATE",
    [id],
  );
  const row = rows[0];
  if (!row) throw new HttpError(404, "not_found", `There is no vetting with id ${id}.`);
  if (row.author_id !== actor.id && actor.role !== "admin") {
    throw new HttpError(403, "forbidden", "Only its author or an admin may change or delete a vetting.");
  }
  if (row.deleted_at) {
    throw new HttpError(409, "vetting_deleted", `Vetting ${id} was deleted on ${row.deleted_at.toISOString()}; deleted vettings cannot be changed or restored.`);
  }
  // Its state before this change, kept for good.
  await client.query(
    `INSERT INTO vetting_revisions (vetting_id, classification, range_qualifier, area, comment, changed_by_id)
     SELECT id, classification, range_qualifier, area, comment, $2 FROM vettings WHERE id = $1`,
    [id, actor.id],
  );
  return row;
}

/** A range qualifier describes valid records only. */
function assertQualifierFits(classification: VettingClassification, qualifier: RangeQualifier | null): void {
  if (qualifier && classification !== "known_valid") {
    throw new HttpError(400, "invalid_body", `rangeQualifier: only a known_valid vetting takes one; this one is ${classification}.`);
  }
}

/** Changes classification, range qualifier, area and/or comment; updatedAt moves, so the change counts as the latest judgement. */
export async function updateVetting(actor: AuthUser, id: number, change: VettingChange): Promise<VettingDetail> {
  const speciesId = await transaction(async (client) => {
    const { species_id, classification } = await lockForChange(client, actor, id);
    const becomes = change.classification ?? (classificationName(classification) as VettingClassification);
    // Turning a vetting known invalid drops its qualifier unless the change sets one (refused below).
    const qualifier = change.rangeQualifier !== undefined ? change.rangeQualifier : becomes === "known_valid" ? undefined : null;
    if (qualifier) assertQualifierFits(becomes, qualifier);
    const box = change.area ? bboxOf(change.area) : null;
    await client.query(
      `UPDATE vettings SET
         classification = COALESCE($2, classification),
         area = COALESCE($3::jsonb, area),
         min_lon = COALESCE($4, min_lon), min_lat = COALESCE($5, min_lat),
         max_lon = COALESCE($6, max_lon), max_lat = COALESCE($7, max_lat),
         comment = CASE WHEN $8 THEN $9 ELSE comment END,
         range_qualifier = CASE WHEN $10 THEN $11::smallint ELSE range_qualifier END,
         updated_at = now()
       WHERE id = $1`,
      [
        id,
        change.classification ? classificationCode[change.classification] : null,
        change.area ? JSON.stringify(change.area) : null,
        box?.[0] ?? null,
        box?.[1] ?? null,
        box?.[2] ?? null,
        box?.[3] ?? null,
        change.comment !== undefined,
        change.comment ?? null,
        qualifier !== undefined,
        qualifier ? rangeQualifierCode(qualifier) : null,
      ],
    );
    return species_id;
  });
  await requestReclassification(speciesId);
  return (await getVetting(id))!;
}

/** Marks the vetting deleted, for good. */
export async function deleteVetting(actor: AuthUser, id: number): Promise<{ id: number; speciesId: number; deletedAt: Date; firstLoadedAt: Date }> {
  const deleted = await transaction(async (client) => {
    const { species_id } = await lockForChange(client, actor, id);
    const { rows } = await client.query<{ deleted_at: Date; first_loaded_at: Date }>(
      "UPDATE vettings SET deleted_at = now() WHERE id = $1 RETURNING deleted_at, first_loaded_at",
      [id],
    );
    return { id, speciesId: species_id, deletedAt: rows[0].deleted_at, firstLoadedAt: rows[0].first_loaded_at };
  });
  await requestReclassification(deleted.speciesId);
  return deleted;
}

/** POST /api/vettings; `area` is checked by validateArea for precise messages. */
export const newVettingBodySchema = z.strictObject({
  speciesId: z.number({ error: "must be a species id (a number)" }).int().positive().max(MAX_ID, "must be a species id"),
  classification: vettingClassificationSchema,
  rangeQualifier: rangeQualifierSchema.optional(),
  // Missing or not, validateArea says precisely what is wrong with it.
  area: z.unknown().optional(),
  comment: commentSchema.optional(),
});

/** PATCH /api/vettings/{id}: any of the four, at least one. */
export const vettingChangeBodySchema = z
  .strictObject({
    classification: vettingClassificationSchema.optional(),
    rangeQualifier: rangeQualifierSchema.optional(),
    area: z.unknown().optional(),
    comment: commentSchema.optional(),
  })
  .refine((b) => b.classification !== undefined || b.rangeQualifier !== undefined || b.area !== undefined || b.comment !== undefined, {
    message: "Send at least one of classification, rangeQualifier, area, comment.",
  });
