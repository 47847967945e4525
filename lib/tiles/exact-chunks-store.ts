/**
 * Stored exact-band chunks (lib/tiles/exact-chunks.ts): the worker writes them after a sync or a
 * vetting changed a large species, the web reads the one chunk a deep tile needs while its own
 * index of the species is still being built. Only the default filters have chunks.
 */
import type pg from "pg";
import { pool } from "@/lib/db/pool";
import { transaction } from "@/lib/db/transaction";
import { log } from "@/lib/log";
import { buildInWorker } from "./build";
import { BANDS, type PackedBand } from "./build-worker.mjs";
import { MIN_RECORDS } from "./coarse-cells";
import { copyBytea, sqlInt } from "./copy-bytea";
import { chunkOf, decodeChunk, sliceExactBand, type ChunkBand } from "./exact-chunks";
import { DEFAULT_FILTERS } from "./filters";
import { loadRecords } from "./load";

/**
 * The chunk that answers tile z/x/y of the species at exactly this data version; "empty" when the
 * species' chunks of that version exist but none covers the tile (nothing to draw there); null
 * when there are no chunks of that version (never built, or built from another version).
 */
export async function loadExactChunk(speciesId: number, dataVersion: number, z: number, x: number, y: number, db: pg.Pool = pool()): Promise<ChunkBand | "empty" | null> {
  const { group, rx, ry } = chunkOf(z, x, y);
  const sql = `SELECT c.chunk FROM tile_chunk_sets s
       LEFT JOIN tile_chunks c ON c.species_id = s.species_id AND c.data_version = s.data_version
                              AND c.grp = ${sqlInt(group)} AND c.rx = ${sqlInt(rx)} AND c.ry = ${sqlInt(ry)}
      WHERE s.species_id = ${sqlInt(speciesId)} AND s.data_version = ${sqlInt(dataVersion)}`;
  const bytes = await copyBytea(sql, db);
  if (bytes === undefined) return null;
  return bytes === null ? "empty" : decodeChunk(bytes);
}

/** Whether the worker's chunks of the species at exactly this data version are stored. */
export async function hasExactChunks(speciesId: number, dataVersion: number, db: pg.Pool = pool()): Promise<boolean> {
  const { rowCount } = await db.query("SELECT 1 FROM tile_chunk_sets WHERE species_id = $1 AND data_version = $2", [speciesId, dataVersion]);
  return (rowCount ?? 0) > 0;
}

/**
 * The worker keeps the exact band it built last per species: when a vetting only changed
 * categories, the next build recounts it (half a second) instead of clustering again (seconds).
 */
const lastBuilt = new Map<number, PackedBand>();
const EXACT = BANDS.length - 1;

/**
 * Rebuilds the chunks of every species (or of those given) with at least `minRecords` records
 * whose chunks are missing or of another data version. The version is read before the records:
 * if it moves meanwhile, the chunks are stored under the older version and never read. A species'
 * old chunks are replaced in one transaction, so a reader sees one whole set or the other.
 * Returns the species rebuilt.
 */
export async function refreshExactChunks({ speciesIds, minRecords = MIN_RECORDS }: { speciesIds?: number[]; minRecords?: number } = {}): Promise<number[]> {
  const db = pool();
  const { rows } = await db.query<{ id: number; data_version: number }>(
    `SELECT s.id, s.data_version FROM species s LEFT JOIN tile_chunk_sets c ON c.species_id = s.id
      WHERE s.occurrence_count >= $1 AND ($2::int[] IS NULL OR s.id = ANY ($2))
        AND (c.species_id IS NULL OR c.data_version <> s.data_version)
      ORDER BY s.occurrence_count DESC`,
    [minRecords, speciesIds ?? null],
  );
  for (const { id, data_version } of rows) {
    const started = performance.now();
    const previous = lastBuilt.get(id);
    const bands = buildInWorker(() => loadRecords(id, DEFAULT_FILTERS), null, previous ? Promise.resolve(previous) : null);
    for (const b of bands) b.catch(() => undefined); // the exact band's failure is thrown below
    const band = await bands[EXACT];
    lastBuilt.set(id, band);
    const built = performance.now();
    const chunks = sliceExactBand(band);
    const bytes = chunks.reduce((sum, c) => sum + c.bytes.length, 0);
    await transaction(async (client) => {
      await client.query("DELETE FROM tile_chunks WHERE species_id = $1", [id]);
      for (const c of chunks) {
        await client.query("INSERT INTO tile_chunks (species_id, data_version, grp, rx, ry, chunk) VALUES ($1, $2, $3, $4, $5, $6)", [id, data_version, c.group, c.rx, c.ry, c.bytes]);
      }
      await client.query(
        `INSERT INTO tile_chunk_sets (species_id, data_version, chunks, bytes) VALUES ($1, $2, $3, $4)
         ON CONFLICT (species_id) DO UPDATE SET data_version = $2, chunks = $3, bytes = $4, built_at = now()`,
        [id, data_version, chunks.length, bytes],
      );
    }, db);
    log.debug(
      { speciesId: id, dataVersion: data_version, chunks: chunks.length, bytes, buildMs: Math.round(built - started), ms: Math.round(performance.now() - started) },
      "exact tile band chunks prebuilt",
    );
  }
  return rows.map((r) => r.id);
}
