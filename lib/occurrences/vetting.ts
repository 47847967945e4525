/**
 * Which vetting set a record's classification: the most recent live vetting of its species whose
 * area covers the record's public position (the rule lib/vetting/classify applies).
 */
import type pg from "pg";
import { classificationName, rangeQualifierName, type Classification, type RangeQualifier } from "@/lib/domain/codes";
import { AreaIndex, type Area } from "@/lib/geometry/point-in-area";

export interface VettingAttribution {
  id: number;
  classification: Classification;
  /** The vetting's range qualifier (known_valid only), which decides whether the record counts towards the range. */
  rangeQualifier: RangeQualifier | null;
  comment: string | null;
  author: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
}

export async function vettingCovering(
  db: pg.Pool,
  speciesId: number,
  lon: number,
  lat: number,
): Promise<VettingAttribution | null> {
  // The bounding boxes narrow it down in SQL; the polygons decide. Latest first, as classify() ranks.
  const { rows } = await db.query<{
    id: number;
    classification: number;
    range_qualifier: number | null;
    area: Area;
    comment: string | null;
    author_id: string;
    author_name: string;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT v.id, v.classification, v.range_qualifier, v.area, v.comment, v.author_id, u.name AS author_name, v.created_at, v.updated_at
       FROM vettings v JOIN "user" u ON u.id = v.author_id
      WHERE v.species_id = $1 AND v.deleted_at IS NULL
        AND v.min_lon <= $2 AND v.max_lon >= $2 AND v.min_lat <= $3 AND v.max_lat >= $3
      ORDER BY v.updated_at DESC, v.id DESC`,
    [speciesId, lon, lat],
  );
  if (rows.length === 0) return null;
  const covering: number[] = [];
  const n = new AreaIndex(rows.map((r) => r.area)).covering(lon, lat, covering);
  if (n === 0) return null;
  const v = rows[Math.min(...covering.slice(0, n))];
  return {
    id: v.id,
    classification: classificationName(v.classification),
    rangeQualifier: rangeQualifierName(v.range_qualifier),
    comment: v.comment,
    author: { id: v.author_id, name: v.author_name },
    createdAt: v.created_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
  };
}
