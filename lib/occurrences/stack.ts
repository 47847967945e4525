/**
 * The records of a stack: several records at one public position, which no zoom level splits.
 * The map only knows roughly where the stack is drawn, so the nearest position with records
 * within `radius` degrees of the click is the stack.
 */
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { BASIS_OF_RECORD, classificationName, type Classification } from "@/lib/domain/codes";
import { filterCondition, type RecordFilters } from "./filters";

export const stackQuery = z.object({
  lon: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  radius: z.coerce.number().positive().max(1).default(0.01),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type StackQuery = z.infer<typeof stackQuery>;

export interface StackRecord {
  id: number;
  eventDate: string | null;
  basisOfRecord: string;
  classification: Classification;
  contentious: boolean;
}

export interface Stack {
  /** The stack's public position; null when no record is near. */
  position: { lon: number; lat: number } | null;
  /** Records at the position under the filters (the list holds at most `limit`). */
  total: number;
  records: StackRecord[];
}

export async function recordsAt(speciesId: number, filters: RecordFilters, q: StackQuery): Promise<Stack> {
  const c = filterCondition(speciesId, filters, 5);
  const { rows } = await pool().query(
    `WITH here AS (
       SELECT o.lon, o.lat FROM classified_occurrences o
        WHERE ${c.sql} AND o.lon BETWEEN $1::float8 - $3::float8 AND $1::float8 + $3::float8
          AND o.lat BETWEEN $2::float8 - $3::float8 AND $2::float8 + $3::float8
        ORDER BY (o.lon - $1::float8) ^ 2 + (o.lat - $2::float8) ^ 2 LIMIT 1
     )
     SELECT o.id, to_char(o.event_date, 'YYYY-MM-DD') AS event_date, o.basis_of_record, o.classification, o.contentious,
            here.lon, here.lat, count(*) OVER ()::int AS total
       FROM classified_occurrences o JOIN here ON o.lon = here.lon AND o.lat = here.lat
      WHERE ${c.sql}
      ORDER BY o.event_date DESC NULLS LAST, o.id
      LIMIT $4::int`,
    [q.lon, q.lat, q.radius, q.limit, ...c.params],
  );
  if (rows.length === 0) return { position: null, total: 0, records: [] };
  return {
    position: { lon: rows[0].lon, lat: rows[0].lat },
    total: rows[0].total,
    records: rows.map((r) => ({
      id: r.id,
      eventDate: r.event_date,
      basisOfRecord: BASIS_OF_RECORD[r.basis_of_record] ?? "UNKNOWN",
      classification: classificationName(r.classification),
      contentious: r.contentious,
    })),
  };
}
