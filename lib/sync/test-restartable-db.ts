/**
 * Test helper: a PostgreSQL of its own (the embedded server, on a data directory of its own) that
 * a test can stop and start again mid-run, as an operator or a crash-and-restart would. The
 * shared test server cannot be restarted: other test files use it at the same time.
 *
 * The embedded server picks a new port on each start, so clients reach it through a fixed local
 * TCP forwarder, as they would reach a production database through its stable host name; the
 * connections open at the restart are lost exactly as without the forwarder.
 */
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { withDatabase } from "@/test/database-url";

export interface RestartableDatabase {
  /** A migrated database `edgar`, through the forwarder: the same URL across restarts. */
  url: string;
  /** Stops the server (fast shutdown: every session ended) and starts it again on the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function restartableDatabase(): Promise<RestartableDatabase> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "edgar-restart-"));
  let server: EmbeddedDatabase = await startEmbeddedDatabase(dir, { ephemeral: true });
  const sockets = new Set<net.Socket>();
  const forwarder = net.createServer((client) => {
    const upstream = net.connect(Number(new URL(server.url).port), "127.0.0.1");
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      sockets.add(a);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => forwarder.listen(0, "127.0.0.1", resolve));
  const through = (url: string) => {
    const u = new URL(url);
    u.port = String((forwarder.address() as net.AddressInfo).port);
    return u.toString();
  };

  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query("CREATE DATABASE edgar");
  await admin.end();
  const url = through(withDatabase(server.url, "edgar"));
  await migrate(url);

  return {
    url,
    async restart() {
      await server.stop();
      server = await startEmbeddedDatabase(dir, { ephemeral: true });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => forwarder.close(resolve));
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
