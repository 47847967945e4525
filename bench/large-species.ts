/**
 * Street-level tiles of the largest species on a fresh web process (issue 20, item 3). The
 * species is the simulator's largest at `worldRecords` (Gymnorhina tibicen, 1.2 million records
 * in a 5 million record world), generated in-process by the simulator's own generator and copied
 * into a fresh database of its own with its public positions, years and duplicate marks (not
 * through the sync: the import is measured elsewhere, and a 5 million record import would take
 * this phase a quarter of an hour). Then, as the worker does after a sync, its coarse cells and
 * its exact band's chunks are prebuilt, and a fresh tile server is asked: a zoom-3 tile, then the
 * first street-level tile of the map session, timed from the first request; then the rest of the
 * session, each tile for the first time; and, without the chunks, the wait they replace.
 *
 * `npm run bench` runs it as its last phase; `npx tsx bench/large-species.ts [--world N]` alone.
 */
import "./env";
import os from "node:os";
import { from as copyFrom } from "pg-copy-streams";
import { pool } from "@/lib/db/pool";
import { World } from "@/lib/simulator/world";
import { refreshCoarseCells } from "@/lib/tiles/coarse-cells";
import { refreshExactChunks } from "@/lib/tiles/exact-chunks-store";
import { runIfMain } from "./child";
import { withBenchDatabase, worldArg } from "./database";
import { tileClient } from "./http-client";
import { summarise, timed, type Latency } from "./latency";
import type { Say } from "./progress";
import { publishFigures } from "./report";
import { tileSession } from "./tile-sequence";
import { startTileServer, tilePath } from "./tiles";

export interface LargeSpeciesFigures {
  worldRecords: number;
  scientificName: string;
  records: number;
  /** Generating the world and copying the species in (not a figure of Edgar's). */
  setupSeconds: number;
  /** The worker's prebuilds after a sync: coarse cells, then the exact band's chunks. */
  cellsPrebuildMs: number;
  chunksPrebuildMs: number;
  chunks: number;
  chunkBytes: number;
  /** Fresh server: a zoom-3 tile, then the session's first street-level tile, from the first request. */
  detailReadyMs: number;
  /** That zoom-3 tile alone (the coarse band from the prebuilt cells), the fresh server's first request. */
  firstTileMs: number;
  /** The street-level tile alone, as the second request of that fresh server. */
  firstDetailTileMs: number;
  /** Another fresh server walking the whole map session once: every tile asked for the first time. */
  freshSession: Latency;
  /** As detailReadyMs with the chunks removed: the exact band built from the records first. */
  withoutChunksMs: number;
}

/** Copies the world's largest live species into the database; returns its id, name and record count. */
export async function copyLargestSpecies(world: World): Promise<{ speciesId: number; name: string; records: number }> {
  const c = world.cols;
  const counts = new Int32Array(world.species.length);
  for (let i = 0; i < world.count; i++) if (world.isLive(i)) counts[c.species[i]]++;
  const largest = counts.indexOf(Math.max(...counts));
  const sp = world.species[largest];
  const db = pool();
  const { rows } = await db.query<{ id: number }>("INSERT INTO species (guid, scientific_name) VALUES ($1, $2) RETURNING id", [sp.guid, sp.scientificName]);
  const speciesId = rows[0].id;
  const client = await db.connect();
  try {
    const stream = client.query(copyFrom("COPY occurrences (species_id, source, source_id, lat, lon, year, basis_of_record, duplicate_status, rating) FROM STDIN"));
    const done = new Promise<void>((resolve, reject) => stream.on("finish", resolve).on("error", reject));
    let lines: string[] = [];
    const flush = async () => {
      if (!stream.write(lines.join(""))) await new Promise((r) => stream.once("drain", r));
      lines = [];
    };
    for (let i = 0; i < world.count; i++) {
      if (c.species[i] !== largest || !world.isLive(i)) continue;
      const hasPosition = c.hasCoordinates(i);
      const lat = hasPosition ? String(c.latE6[i] / 1e6) : "\\N";
      const lon = hasPosition ? String(c.lonE6[i] / 1e6) : "\\N";
      // Rated assumed valid (2): the tiles' cost does not depend on the categories.
      lines.push(`${speciesId}\t1\t${world.uuid(i)}\t${lat}\t${lon}\t${c.year[i] || "\\N"}\t1\t${c.dup[i]}\t2\n`);
      if (lines.length === 50_000) await flush();
    }
    await flush();
    stream.end();
    await done;
  } finally {
    client.release();
  }
  await db.query("UPDATE species SET occurrence_count = (SELECT count(*) FROM occurrences WHERE species_id = $1) WHERE id = $1", [speciesId]);
  await db.query("ANALYZE occurrences");
  return { speciesId, name: sp.scientificName, records: counts[largest] };
}

/** A zoom-3 tile, then `detail`, on a fresh server: ms from the first request until `detail` is answered. */
async function untilDetail(databaseUrl: string, first: string, detail: string): Promise<{ readyMs: number; firstMs: number; detailMs: number }> {
  const server = await startTileServer({ DATABASE_URL: databaseUrl });
  const client = tileClient(server.url);
  try {
    const started = performance.now();
    const firstMs = (await timed(() => client.get(first))).ms;
    const { ms } = await timed(() => client.get(detail));
    return { readyMs: Math.round(performance.now() - started), firstMs: Math.round(firstMs), detailMs: Math.round(ms) };
  } finally {
    client.close();
    await server.stop();
  }
}

export async function benchLargeSpecies(databaseUrl: string, worldRecords: number, seed: number, say: Say): Promise<LargeSpeciesFigures> {
  const setup = performance.now();
  say(`  generating a ${worldRecords.toLocaleString("en")}-record world for its largest species`);
  let world: World | null = await World.create({ records: worldRecords, seed });
  const { speciesId, name, records } = await copyLargestSpecies(world);
  world = null; // its columns are no longer needed: let them go before the tile servers start
  const setupSeconds = Math.round((performance.now() - setup) / 100) / 10;
  say(`  ${name}: ${records.toLocaleString("en")} records copied in (${setupSeconds} s with the world)`);

  const cells = await timed(() => refreshCoarseCells({ speciesIds: [speciesId], minRecords: 1 }));
  const chunked = await timed(() => refreshExactChunks({ speciesIds: [speciesId], minRecords: 1 }));
  const { rows } = await pool().query<{ chunks: number; bytes: number; v: number }>("SELECT chunks, bytes, data_version AS v FROM tile_chunk_sets WHERE species_id = $1", [speciesId]);
  const { chunks, bytes: chunkBytes, v: dataVersion } = rows[0];
  say(`  prebuilt: coarse cells ${Math.round(cells.ms)} ms, exact band in ${chunks} chunks (${(chunkBytes / 2 ** 20).toFixed(0)} MiB) ${Math.round(chunked.ms)} ms`);

  const session = (await tileSession(pool(), speciesId)).map((t) => ({ t, path: tilePath(speciesId, dataVersion, t) }));
  const detail = session.find(({ t }) => t.z >= 10)!;
  const withChunks = await untilDetail(databaseUrl, session[0].path, detail.path);
  say(`  fresh server: street-level tile ${detail.t.z}/${detail.t.x}/${detail.t.y} ready ${withChunks.readyMs} ms after the first request (zoom 3: ${withChunks.firstMs} ms, itself ${withChunks.detailMs} ms)`);

  const server = await startTileServer({ DATABASE_URL: databaseUrl });
  const client = tileClient(server.url);
  const latencies: number[] = [];
  try {
    for (const { path } of session) latencies.push((await timed(() => client.get(path))).ms);
  } finally {
    client.close();
    await server.stop();
  }
  const freshSession = summarise(latencies);
  say(`  fresh server, whole session once: p50 ${freshSession.p50} ms, p95 ${freshSession.p95} ms, slowest ${freshSession.max} ms`);

  await pool().query("DELETE FROM tile_chunk_sets WHERE species_id = $1", [speciesId]);
  const without = await untilDetail(databaseUrl, session[0].path, detail.path);
  say(`  without the chunks: ${without.readyMs} ms`);

  return {
    worldRecords,
    scientificName: name,
    records,
    setupSeconds,
    cellsPrebuildMs: Math.round(cells.ms),
    chunksPrebuildMs: Math.round(chunked.ms),
    chunks,
    chunkBytes,
    detailReadyMs: withChunks.readyMs,
    firstTileMs: withChunks.firstMs,
    firstDetailTileMs: withChunks.detailMs,
    freshSession,
    withoutChunksMs: without.readyMs,
  };
}

/** Standalone: a fresh database of its own, the figures as JSON on stdout and in bench/results/large-species-<date>.json. */
async function main(): Promise<void> {
  const worldRecords = worldArg(process.argv);
  await withBenchDatabase(async (db) => {
    const figures = await benchLargeSpecies(db.url, worldRecords, 1, (line) => console.error(line));
    const result = { date: new Date().toISOString(), loadAverage: os.loadavg(), ...figures };
    publishFigures("large-species", result);
  });
}

runIfMain(import.meta.url, main);
