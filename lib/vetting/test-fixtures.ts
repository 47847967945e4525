// Rows for the vetting tests, written with plain SQL (the tests' own pool).
import type pg from "pg";
import { bboxOf } from "@/lib/geometry/bbox";
import type { Area } from "@/lib/geometry/point-in-area";
import { refreshSpeciesStats } from "@/lib/species/stats";

export async function insertUser(db: pg.Pool, id: string, role: "researcher" | "expert" | "admin"): Promise<string> {
  await db.query(`INSERT INTO "user" (id, name, email, role) VALUES ($1, $2, $3, $4)`, [id, `User ${id}`, `${id}@example.org`, role]);
  return id;
}

export async function insertSpecies(db: pg.Pool, scientificName: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO species (guid, scientific_name) VALUES ($1, $2) RETURNING id`,
    [`urn:test:${scientificName}`, scientificName],
  );
  return rows[0].id;
}

/** A vetting as the API stores it (its bounding box beside the area); updated now unless given. */
export async function insertVetting(
  db: pg.Pool,
  speciesId: number,
  authorId: string,
  classification: number,
  area: Area,
  updatedAt: Date | string | null = null,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO vettings (species_id, author_id, classification, area, min_lon, min_lat, max_lon, max_lat, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now())) RETURNING id`,
    [speciesId, authorId, classification, JSON.stringify(area), ...bboxOf(area), updatedAt],
  );
  return rows[0].id;
}

/**
 * Records at the given positions (null: no coordinates), no vetting decided yet, and the
 * species' counts brought up to date, as a sync leaves them.
 */
export async function insertRecords(
  db: pg.Pool,
  speciesId: number,
  points: { lon: number | null; lat: number | null; rating: number }[],
): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO occurrences (species_id, source, source_id, lat, lon, basis_of_record, rating)
     SELECT $1, 1, gen_random_uuid(), p.lat, p.lon, 1, p.rating
       FROM unnest($2::real[], $3::real[], $4::int2[]) WITH ORDINALITY AS p(lon, lat, rating, n)
      ORDER BY p.n
     RETURNING id`,
    [speciesId, points.map((p) => p.lon), points.map((p) => p.lat), points.map((p) => p.rating)],
  );
  await refreshSpeciesStats(db, [speciesId], { bumpVersion: false });
  return rows.map((r) => r.id);
}

/** [classification, contentious] of each record, in the order of `ids`. */
export async function recordStates(db: pg.Pool, ids: number[]): Promise<[number, boolean][]> {
  const { rows } = await db.query<{ classification: number; contentious: boolean }>(
    `SELECT classification, contentious FROM classified_occurrences WHERE id = ANY($1) ORDER BY array_position($1, id)`,
    [ids],
  );
  return rows.map((r) => [r.classification, r.contentious]);
}

/** A species' counts and data version, as stored. */
export async function speciesStats(db: pg.Pool, id: number) {
  const { rows } = await db.query(
    `SELECT occurrence_count, known_valid_count, assumed_valid_count, assumed_invalid_count, known_invalid_count,
            contentious_count, data_version FROM species WHERE id = $1`,
    [id],
  );
  return rows[0];
}
