/**
 * Licence metadata (creator, rights holder, licence) of records' first images, from the images
 * service. No URLs are stored: they are built from the identifier when answering (lib/ala/images). Only rows not asked about yet (fetched_at null); bounded per call; a failing
 * images service never fails a sync: the rows stay pending for the next call.
 */
import type pg from "pg";
import type { AlaClient } from "@/lib/ala/client";
import { log } from "@/lib/log";

export interface ImageFetchOptions {
  /** At most this many images per call. */
  limit?: number;
  concurrency?: number;
  /** Only these occurrences (e.g. a record about to be shown). */
  occurrenceIds?: readonly number[];
  /** Stop early after this many failures: the service is probably down. */
  maxFailures?: number;
}

export interface ImageFetchResult {
  fetched: number;
  unknown: number;
  failed: number;
}

export async function fetchImageMetadata(pool: pg.Pool, client: AlaClient, o: ImageFetchOptions = {}): Promise<ImageFetchResult> {
  const { rows } = await pool.query<{ occurrence_id: number; image_id: string }>(
    `SELECT occurrence_id, image_id FROM occurrence_images
     WHERE fetched_at IS NULL AND ($2::int[] IS NULL OR occurrence_id = ANY($2::int[]))
     ORDER BY occurrence_id LIMIT $1`,
    [o.limit ?? 500, o.occurrenceIds ?? null],
  );
  const result: ImageFetchResult = { fetched: 0, unknown: 0, failed: 0 };
  const maxFailures = o.maxFailures ?? 10;
  let next = 0;
  const worker = async () => {
    while (next < rows.length && result.failed < maxFailures) {
      const { occurrence_id: id, image_id: imageId } = rows[next++];
      try {
        const meta = await client.image(imageId);
        await pool.query(
          `UPDATE occurrence_images SET creator = $3, rights_holder = $4, license = $5, fetched_at = now()
           WHERE occurrence_id = $1 AND image_id = $2`,
          // A blank licence with a recognised one (the service fills only one of them) is that one.
          [id, imageId, meta?.creator ?? null, meta?.rightsHolder ?? null, meta?.license ?? meta?.recognisedLicence?.acronym ?? meta?.recognisedLicence?.name ?? null],
        );
        if (meta) result.fetched++;
        else result.unknown++;
      } catch (err) {
        result.failed++;
        log.warn({ err: err instanceof Error ? err.message : String(err), imageId }, "image metadata not fetched; will retry later");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, rows.length) }, worker));
  return result;
}
