/**
 * Tiles of the largest species through the real route on a fresh server process: the cold first
 * tile, first as right after a sync (the index built from the species' records on that request),
 * then once the worker has prebuilt its coarse cells (lib/tiles/coarse-cells.ts, what the worker
 * does after a sync); then latency over a map session once the index is in memory, then
 * throughput with 32 concurrent clients, then how soon street-level tiles show a vetting. Everything (server, client, PostgreSQL) shares the same cores.
 */
import autocannon from "autocannon";
import { pool } from "@/lib/db/pool";
import { refreshCoarseCells } from "@/lib/tiles/coarse-cells";
import { setClassifications, type Classified } from "@/lib/vetting/states";
import { startChild, type ChildServer } from "./child";
import { tileClient, timeSession } from "./http-client";
import { summarise, timed, type Latency } from "./latency";
import { peakRss } from "./procstat";
import type { Say } from "./progress";
import type { TileAddress } from "./tile-sequence";

export interface TileFigures {
  speciesId: number;
  sessionTiles: number;
  /** The first tile asked for (zoom 3) of a fresh server, once the worker has prebuilt the species' coarse cells. */
  coldFirstTileMs: number;
  /** The same before the cells exist: the index's records loaded and its coarse band built from them. */
  coldFromRecordsMs: number;
  /** The worker's prebuild of the coarse cells (read the records, grid them, store them). */
  cellsPrebuildMs: number;
  /** From that first request until a street-level tile (the exact band) could be answered. */
  coldDetailReadyMs: number;
  /**
   * After categories changed (as a vetting changes them) and the data version moved on, until a
   * street-level tile of the new version is answered: the exact band recounted on the warm
   * index's clusters. Two changes (the second undoes the first).
   */
  recolourDetailMs: number[];
  /** Memory of the species' cluster index (typed arrays) and the server's peak RSS. */
  indexBytes: number;
  serverPeakRssBytes: number | null;
  /** Sequential requests over HTTP with keep-alive, measured at the client; `server`: inside the handler. */
  warm: Latency;
  warmServer: Latency;
  meanTileBytes: number;
  emptyTiles: number;
  concurrent: { connections: number; seconds: number; tilesPerSecond: number; p50: number; p97_5: number; p99: number; failed: number };
}

/** As the map asks for them: default filters, and the data version it last saw (`v`). */
export const tilePath = (speciesId: number, dataVersion: number, t: TileAddress) => `/api/tiles/${speciesId}/${t.z}/${t.x}/${t.y}.pbf?v=${dataVersion}`;

async function serverStats(server: ChildServer): Promise<{ cache: { bytes: number }; handlerMs: number[] }> {
  return (await fetch(`${server.url}/__stats`)).json() as Promise<{ cache: { bytes: number }; handlerMs: number[] }>;
}

export interface TileBenchOptions {
  databaseUrl: string;
  speciesId: number;
  dataVersion: number;
  session: TileAddress[];
  passes: number;
  concurrentSeconds: number;
  say: Say;
}

/** bench/tile-server.ts in its own process (env: DATABASE_URL, and POSTGIS_URL for the peer's tiles). */
export function startTileServer(env: Record<string, string>): Promise<ChildServer> {
  return startChild({ script: "bench/tile-server.ts", env, ready: /tile server listening on (\S+)/ });
}

/** The first tile of a fresh tile server. */
async function coldFirstTile(o: TileBenchOptions, path: string): Promise<number> {
  const server = await startTileServer({ DATABASE_URL: o.databaseUrl });
  try {
    return (await timed(() => tileClient(server.url).get(path))).ms;
  } finally {
    await server.stop();
  }
}

/**
 * Changes categories as a vetting does, without moving a record: every tenth record's contentious
 * flag is flipped (a second call flips it back, leaving the data as the later phases expect it),
 * and the data version moves on. Returns the new version.
 */
async function flipContentious(speciesId: number): Promise<number> {
  const { rows: flipped } = await pool().query<Classified>(
    "SELECT id, classification, contentious, rating FROM classified_occurrences WHERE species_id = $1 AND id % 10 = 0",
    [speciesId],
  );
  await setClassifications(pool(), speciesId, flipped.map((r) => ({ ...r, contentious: !r.contentious })));
  const { rows } = await pool().query<{ v: number }>("UPDATE species SET data_version = data_version + 1 WHERE id = $1 RETURNING data_version AS v", [speciesId]);
  return rows[0].v;
}

export async function benchTiles(o: TileBenchOptions): Promise<TileFigures> {
  const paths = o.session.map((t) => tilePath(o.speciesId, o.dataVersion, t));
  const coldFromRecordsMs = await coldFirstTile(o, paths[0]);
  const prebuild = await timed(() => refreshCoarseCells({ speciesIds: [o.speciesId] }));
  o.say(`  cold first tile before the coarse cells are prebuilt ${coldFromRecordsMs.toFixed(0)} ms; prebuilding them took ${prebuild.ms.toFixed(0)} ms`);

  const server = await startTileServer({ DATABASE_URL: o.databaseUrl });
  const client = tileClient(server.url);
  try {
    const detail = paths[o.session.findIndex((t) => t.z >= 10)];
    const started = performance.now();
    const cold = await timed(() => client.get(paths[0]));
    await client.get(detail);
    const coldDetailReadyMs = performance.now() - started;
    o.say(`  cold first tile ${cold.ms.toFixed(0)} ms; detail band ready after ${coldDetailReadyMs.toFixed(0)} ms`);

    const session = await timeSession(client, paths, o.passes, () => fetch(`${server.url}/__stats/reset`, { method: "POST" }));
    const stats = await serverStats(server);
    const warm = session.latency;
    o.say(`  warm tiles: p50 ${warm.p50} ms, p95 ${warm.p95} ms over ${warm.count} requests`);

    let next = 0;
    const load = await autocannon({
      url: server.url,
      connections: 32,
      duration: o.concurrentSeconds,
      requests: [{ setupRequest: (req) => ({ ...req, method: "GET", path: paths[next++ % paths.length] }) }],
    });
    const ok = load.requests.total - load.non2xx;
    o.say(`  32 clients: ${Math.round(ok / load.duration)} tiles/s`);

    const recolourDetailMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const version = await flipContentious(o.speciesId);
      recolourDetailMs.push(Math.round((await timed(() => client.get(tilePath(o.speciesId, version, o.session.find((t) => t.z >= 10)!)))).ms));
    }
    o.say(`  street-level tiles after a change of categories: ${recolourDetailMs.join(" ms, ")} ms`);
    return {
      speciesId: o.speciesId,
      sessionTiles: paths.length,
      coldFirstTileMs: Math.round(cold.ms),
      coldFromRecordsMs: Math.round(coldFromRecordsMs),
      cellsPrebuildMs: Math.round(prebuild.ms),
      coldDetailReadyMs: Math.round(coldDetailReadyMs),
      recolourDetailMs,
      indexBytes: stats.cache.bytes,
      serverPeakRssBytes: peakRss(server.pid),
      warm,
      warmServer: summarise(stats.handlerMs),
      meanTileBytes: session.meanTileBytes,
      emptyTiles: session.emptyTiles,
      concurrent: {
        connections: 32,
        seconds: load.duration,
        tilesPerSecond: Math.round(ok / load.duration),
        p50: load.latency.p50,
        p97_5: load.latency.p97_5,
        p99: load.latency.p99,
        failed: load.non2xx + load.errors,
      },
    };
  } finally {
    client.close();
    await server.stop();
  }
}
