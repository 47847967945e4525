/**
 * A GBIF source's download in progress (gbif_downloads): the key is written the moment GBIF
 * gives it, so a run that stops (a crash, a deploy, GBIF still preparing when the run gave up)
 * is followed by one that polls the same download rather than requesting another. The row also
 * keeps when the last full run succeeded, which decides when the next full run is due.
 */
import type pg from "pg";

export interface PendingDownload {
  key: string;
  full: boolean;
  predicate: unknown;
  format: string;
  requestedAt: Date;
}

export interface GbifState {
  pending: PendingDownload | null;
  lastFullAt: Date | null;
}

export async function readState(db: pg.Pool, sourceId: number): Promise<GbifState> {
  const { rows } = await db.query<{ download_key: string | null; full_run: boolean; predicate: unknown; format: string | null; requested_at: Date | null; last_full_at: Date | null }>(
    "SELECT download_key, full_run, predicate, format, requested_at, last_full_at FROM gbif_downloads WHERE source_id = $1",
    [sourceId],
  );
  const r = rows[0];
  if (!r) return { pending: null, lastFullAt: null };
  return {
    pending: r.download_key ? { key: r.download_key, full: r.full_run, predicate: r.predicate, format: r.format ?? "SIMPLE_CSV", requestedAt: r.requested_at ?? new Date(0) } : null,
    lastFullAt: r.last_full_at,
  };
}

export async function savePending(db: pg.Pool, sourceId: number, p: PendingDownload): Promise<void> {
  await db.query(
    `INSERT INTO gbif_downloads (source_id, download_key, full_run, predicate, format, requested_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source_id) DO UPDATE SET download_key = $2, full_run = $3, predicate = $4, format = $5, requested_at = $6`,
    [sourceId, p.key, p.full, JSON.stringify(p.predicate), p.format, p.requestedAt],
  );
}

/** Forgets the pending download (imported, or ended by GBIF); a full run's success is remembered. */
export async function clearPending(db: pg.Pool, sourceId: number, fullSucceededAt: Date | null = null): Promise<void> {
  await db.query(
    `INSERT INTO gbif_downloads (source_id, last_full_at) VALUES ($1, $2)
     ON CONFLICT (source_id) DO UPDATE SET download_key = NULL, predicate = NULL, format = NULL, requested_at = NULL,
       last_full_at = coalesce($2, gbif_downloads.last_full_at)`,
    [sourceId, fullSucceededAt],
  );
}

/** JSON with object keys sorted: jsonb gives a stored predicate back with its keys reordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function samePredicate(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
