/**
 * Live updates (lib/events, docs/events.md) under load: 500 SSE subscribers of one species on one
 * event hub served over real HTTP, the time an event takes to reach all of them, the memory they
 * hold, and what idle subscribers cost the database. Both ends run in this process, so the memory
 * is an upper bound for the server's share.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import pg from "pg";
import { EventHub } from "@/lib/events/hub";
import { speciesSnapshot } from "@/lib/events/snapshot";
import { SseReader } from "@/lib/events/sse-reader";
import { eventStream } from "@/lib/events/stream";
import { HttpError } from "@/lib/http/respond";
import type { Say } from "./progress";

export interface LiveFigures {
  subscribers: number;
  /** Streams that failed to open or broke during the run. */
  errors: number;
  /** One event (a NOTIFY) until every subscriber has read it, over `rounds` events. */
  fanOutMs: { p50: number; max: number; rounds: number };
  /** Process memory (RSS and JS heap) added by the open streams, per stream. */
  bytesPerStream: { rss: number; heap: number };
  /**
   * Database transactions per idle subscriber per minute, measured over `idleSeconds` with the
   * streams open, less the same window with none (the server's own background work).
   */
  dbRequestsPerIdleStreamPerMinute: number;
  /** Transactions in the window without streams, and with them. */
  idleTransactions: { without: number; with: number };
  idleSeconds: number;
}

const SUBSCRIBERS = 500;
const ROUNDS = 20;
const IDLE_SECONDS = 20;
const STATS_SETTLE_MS = 11_000;

export async function benchLive(databaseUrl: string, speciesId: number, say: Say): Promise<LiveFigures> {
  const hub = new EventHub({ url: databaseUrl, maxStreams: 10_000, maxPerClient: 10_000 });
  await hub.start();
  const server = http.createServer(async (req, res) => {
    const aborted = new AbortController();
    res.on("close", () => aborted.abort());
    try {
      const response = await eventStream({
        hub,
        topic: `species:${speciesId}`,
        clientKey: "bench",
        lastEventId: null,
        snapshot: () => speciesSnapshot(speciesId),
        idleMs: 600_000,
        heartbeatMs: 25_000,
        signal: aborted.signal,
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      Readable.fromWeb(response.body as NodeReadableStream).pipe(res);
    } catch (err) {
      res.writeHead(err instanceof HttpError ? err.status : 500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const controllers: AbortController[] = [];
  let errors = 0;
  const transactions = async () => {
    await admin.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await admin.query<{ n: string }>("SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()");
    return Number(rows[0].n);
  };
  // Over a window: the two queries of each reading are the bench's own. A backend reports its
  // transactions up to 10 s after they end (PostgreSQL's PGSTAT_IDLE_INTERVAL), so the window
  // starts once that has passed: the streams' snapshot reads are not idle work.
  const idleWindow = async () => {
    await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
    const t0 = await transactions();
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    return Math.max(0, (await transactions()) - t0 - 2);
  };
  try {
    say(`  ${IDLE_SECONDS} s without streams, counting the database's transactions`);
    const without = await idleWindow();
    global.gc?.();
    const before = process.memoryUsage();
    const readers: SseReader[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(url, { signal: controller.signal }).catch(() => null);
      if (response?.status !== 200 || !response.body) {
        errors++;
        continue;
      }
      const reader = new SseReader(response.body);
      if ((await reader.next())?.event !== "snapshot") errors++;
      else readers.push(reader);
    }
    global.gc?.();
    const after = process.memoryUsage();
    say(`  ${readers.length} streams open, ${errors} errors`);

    const fanOut: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const all = Promise.all(readers.map((r) => r.nextOf("species")));
      // An announcement like the trigger's, without changing the species.
      await admin.query(`SELECT notify_edgar_event('species', jsonb_build_object('speciesId', id, 'dataVersion', data_version)) FROM species WHERE id = $1`, [speciesId]);
      const got = await all;
      errors += got.filter((m) => m === null).length;
      fanOut.push(performance.now() - started);
    }
    fanOut.sort((a, b) => a - b);

    say(`  ${IDLE_SECONDS} s idle with ${readers.length} streams, counting the database's transactions`);
    const withStreams = await idleWindow();
    await Promise.all(readers.map((r) => r.cancel()));
    return {
      subscribers: SUBSCRIBERS,
      errors,
      fanOutMs: { p50: Math.round(fanOut[Math.floor(ROUNDS / 2)]), max: Math.round(fanOut[ROUNDS - 1]), rounds: ROUNDS },
      bytesPerStream: { rss: Math.round((after.rss - before.rss) / SUBSCRIBERS), heap: Math.round((after.heapUsed - before.heapUsed) / SUBSCRIBERS) },
      dbRequestsPerIdleStreamPerMinute: Math.round((Math.max(0, withStreams - without) / SUBSCRIBERS / (IDLE_SECONDS / 60)) * 1000) / 1000,
      idleTransactions: { without, with: withStreams },
      idleSeconds: IDLE_SECONDS,
    };
  } finally {
    for (const c of controllers) c.abort();
    await admin.end();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await hub.stop();
  }
}
