/**
 * Tiles of the largest species through the real route on a fresh server process: the cold first
 * tile (its index built from the database on that request), then latency over a map session once
 * the index is in memory, then throughput with 32 concurrent clients. Everything (server, client,
 * PostgreSQL) shares the same cores.
 */
import autocannon from "autocannon";
import { startChild, type ChildServer } from "./child";
import { tileClient, timeSession } from "./http-client";
import { summarise, timed, type Latency } from "./latency";
import { peakRss } from "./procstat";
import type { Say } from "./progress";
import type { TileAddress } from "./tile-sequence";

export interface TileFigures {
  speciesId: number;
  sessionTiles: number;
  /** The first tile asked for (zoom 3): the index's records loaded and its coarse band built meanwhile. */
  coldFirstTileMs: number;
  /** From that first request until a street-level tile (the exact band) could be answered. */
  coldDetailReadyMs: number;
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

export async function benchTiles(o: TileBenchOptions): Promise<TileFigures> {
  const server = await startTileServer({ DATABASE_URL: o.databaseUrl });
  const client = tileClient(server.url);
  try {
    const paths = o.session.map((t) => tilePath(o.speciesId, o.dataVersion, t));
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
    return {
      speciesId: o.speciesId,
      sessionTiles: paths.length,
      coldFirstTileMs: Math.round(cold.ms),
      coldDetailReadyMs: Math.round(coldDetailReadyMs),
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
