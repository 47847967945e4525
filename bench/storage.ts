/**
 * Bytes per record of the occurrences table as the import left it (heap, each index, TOAST),
 * then after a REINDEX (which the later phases then run on).
 */
import type pg from "pg";

export interface StorageFigures {
  records: number;
  heapBytes: number;
  indexBytes: number;
  /** TOAST table and its index (0 when nothing was toasted). */
  toastBytes: number;
  /** The heap's free-space and visibility maps. */
  mapBytes: number;
  totalBytes: number;
  heapBytesPerRecord: number;
  totalBytesPerRecord: number;
  indexes: { name: string; bytes: number; bytesPerRecord: number }[];
  /**
   * The same after REINDEX: what index maintenance would give back. Random uuids leave the unique
   * index's pages about two-thirds full as the import inserts them; a rebuilt index is packed.
   */
  afterReindex: { indexBytes: number; totalBytesPerRecord: number; seconds: number };
}

export async function benchStorage(db: pg.Pool): Promise<StorageFigures> {
  // Statistics as autovacuum would soon leave them; nothing is rewritten or compacted.
  await db.query("ANALYZE occurrences");
  const { rows } = await db.query<{ records: number; heap: number; indexes: number; toast: number; maps: number; total: number }>(
    `SELECT (SELECT count(*) FROM occurrences)::bigint AS records,
            pg_relation_size('occurrences') AS heap,
            pg_indexes_size('occurrences') AS indexes,
            COALESCE((SELECT pg_total_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'occurrences'::regclass AND reltoastrelid <> 0), 0) AS toast,
            pg_relation_size('occurrences', 'fsm') + pg_relation_size('occurrences', 'vm') AS maps,
            pg_total_relation_size('occurrences') AS total`,
  );
  const { records, heap, indexes, toast, maps, total } = rows[0];
  const perIndex = await db.query<{ name: string; bytes: number }>(
    `SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'occurrences'::regclass ORDER BY bytes DESC`,
  );
  const per = (bytes: number) => (records ? Math.round((bytes / records) * 10) / 10 : 0);
  const started = performance.now();
  await db.query("REINDEX TABLE occurrences");
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const after = await db.query<{ indexes: number; total: number }>(
    "SELECT pg_indexes_size('occurrences') AS indexes, pg_total_relation_size('occurrences') AS total",
  );
  return {
    records,
    heapBytes: heap,
    indexBytes: indexes,
    toastBytes: toast,
    mapBytes: maps,
    totalBytes: total,
    heapBytesPerRecord: per(heap),
    totalBytesPerRecord: per(total),
    indexes: perIndex.rows.map((r) => ({ ...r, bytesPerRecord: per(r.bytes) })),
    afterReindex: { indexBytes: after.rows[0].indexes, totalBytesPerRecord: per(after.rows[0].total), seconds },
  };
}
