/**
 * Prebuilt input of the coarse tile band (zooms 0–4) for large species. A cold index must read
 * every record before its first tile (a second and more for a million records); the coarse band
 * only needs the records' grid cells, a few ten thousand. The worker computes them after a sync
 * or a vetting changed a species (its data version), so a fresh web process answers the first,
 * low-zoom tiles from them while the records for the exact band are still being read. Only the
 * default filters have prebuilt cells; others build from the records as before.
 */
import type pg from "pg";
import { pool } from "@/lib/db/pool";
import { log } from "@/lib/log";
import { BANDS, COUNTS, gridCells, type PointColumns } from "./build-worker.mjs";
import { copyBytea, sqlInt } from "./copy-bytea";
import { DEFAULT_FILTERS } from "./filters";
import { loadRecords } from "./load";

const CELL_BITS = BANDS[0].cellBits;
/** Below this many records a cold build is quick anyway: no cells are kept. */
export const MIN_RECORDS = 100_000;
/** Bytes per cell: lon, lat (float64), id (int32), COUNTS counts (uint32). */
const CELL_BYTES = 8 + 8 + 4 + 4 * COUNTS;

/** Cells → bytes: the four arrays one after another (little-endian, as typed arrays are here). */
export function encodeCells(cells: PointColumns): Buffer {
  const n = cells.id.length;
  const out = Buffer.alloc(4 + n * CELL_BYTES);
  out.writeUInt32LE(n, 0);
  let at = 4;
  for (const array of [cells.lon, cells.lat, cells.id, cells.counts]) {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    bytes.copy(out, at);
    at += bytes.length;
  }
  return out;
}

export function decodeCells(bytes: Buffer): PointColumns {
  const n = bytes.readUInt32LE(0);
  if (bytes.length !== 4 + n * CELL_BYTES) throw new Error(`tile cells of ${n} cells cannot be ${bytes.length} bytes`);
  // Copied into fresh buffers: aligned, and transferable to the build worker.
  const take = (offset: number, length: number) => bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length);
  let at = 4;
  const next = (length: number) => take((at += length) - length, length);
  return {
    lon: new Float64Array(next(n * 8)),
    lat: new Float64Array(next(n * 8)),
    id: new Int32Array(next(n * 4)),
    counts: new Uint32Array(next(n * 4 * COUNTS)),
  };
}

/** The species' prebuilt cells when they were computed from exactly this data version; else null. */
export async function loadCoarseCells(speciesId: number, dataVersion: number, db: pg.Pool = pool()): Promise<PointColumns | null> {
  // Binary COPY: the cells of a million records are megabytes, which a plain query sends as hex text.
  const bytes = await copyBytea(
    `SELECT cells FROM tile_cells WHERE species_id = ${sqlInt(speciesId)} AND data_version = ${sqlInt(dataVersion)} AND cell_bits = ${sqlInt(CELL_BITS)}`,
    db,
  );
  return bytes ? decodeCells(bytes) : null;
}

/**
 * Recomputes the cells of every species (or of those given) with at least `minRecords` records
 * whose cells are missing or older than its data version. The version is read before the
 * records: if it moves meanwhile, the cells are stored under the older version, never used, and
 * recomputed next time. Returns the species refreshed.
 */
export async function refreshCoarseCells({ speciesIds, minRecords = MIN_RECORDS }: { speciesIds?: number[]; minRecords?: number } = {}): Promise<number[]> {
  const db = pool();
  const { rows } = await db.query<{ id: number; data_version: number }>(
    `SELECT s.id, s.data_version FROM species s LEFT JOIN tile_cells c ON c.species_id = s.id
      WHERE s.occurrence_count >= $1 AND ($2::int[] IS NULL OR s.id = ANY ($2))
        AND (c.species_id IS NULL OR c.data_version <> s.data_version OR c.cell_bits <> $3)
      ORDER BY s.occurrence_count DESC`,
    [minRecords, speciesIds ?? null, CELL_BITS],
  );
  for (const { id, data_version } of rows) {
    const started = performance.now();
    const cells = gridCells(await loadRecords(id, DEFAULT_FILTERS), CELL_BITS);
    await db.query(
      `INSERT INTO tile_cells (species_id, data_version, cell_bits, cells) VALUES ($1, $2, $3, $4)
       ON CONFLICT (species_id) DO UPDATE SET data_version = $2, cell_bits = $3, cells = $4, built_at = now()`,
      [id, data_version, CELL_BITS, encodeCells(cells)],
    );
    log.debug({ speciesId: id, dataVersion: data_version, cells: cells.id.length, ms: Math.round(performance.now() - started) }, "coarse tile cells prebuilt");
  }
  return rows.map((r) => r.id);
}
