/**
 * One map client asking for tiles over HTTP, one at a time on a keep-alive connection, timed at
 * the client: what a browser's tile request costs minus the network. Edgar's tiles and the
 * PostGIS peer's are measured the same way.
 */
import http from "node:http";
import { summarise, timed, type Latency } from "./latency";

export interface TileClient {
  get(path: string): Promise<{ status: number; bytes: number }>;
  close(): void;
}

export function tileClient(base: string): TileClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        http
          .get(base + path, { agent }, (res) => {
            let bytes = 0;
            res.on("data", (chunk: Buffer) => (bytes += chunk.length));
            res.on("end", () =>
              res.statusCode === 200 || res.statusCode === 204 ? resolve({ status: res.statusCode, bytes }) : reject(new Error(`${path}: HTTP ${res.statusCode}`)),
            );
            res.on("error", reject);
          })
          .on("error", reject);
      }),
    close: () => agent.destroy(),
  };
}

export interface SessionTimes {
  latency: Latency;
  /** Mean size of the non-empty tiles. */
  meanTileBytes: number;
  /** Empty tiles (204) per pass. */
  emptyTiles: number;
}

/** One untimed pass (JIT, caches; then `afterWarmUp`), then `passes` timed passes over the session's tiles. */
export async function timeSession(client: TileClient, paths: readonly string[], passes: number, afterWarmUp?: () => Promise<unknown>): Promise<SessionTimes> {
  for (const p of paths) await client.get(p);
  await afterWarmUp?.();
  const times: number[] = [];
  let bytes = 0;
  let empty = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const p of paths) {
      const r = await timed(() => client.get(p));
      times.push(r.ms);
      bytes += r.value.bytes;
      if (r.value.status === 204) empty++;
    }
  }
  return { latency: summarise(times), meanTileBytes: Math.round(bytes / Math.max(1, times.length - empty)), emptyTiles: empty / passes };
}
