/**
 * The PostGIS peer: the same species' records in a throwaway PostgreSQL cluster with PostGIS
 * (Debian's postgresql-NN-postgis-3; the embedded PostgreSQL has no PostGIS), served the classic
 * way (bench/postgis-sql.ts): per tile, the points in the tile envelope snapped to a grid
 * (ST_SnapToGrid), counted per cell and category, encoded with ST_AsMVT. Set up at its best: only
 * this species loaded, points stored in Web Mercator with a GiST index, the table clustered on
 * it, JIT off. Its tiles go through the same bench tile server and client as Edgar's.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyOut } from "@/lib/db/copy-out";
import { tileClient, timeSession } from "./http-client";
import { timed, type Latency } from "./latency";
import type { Say } from "./progress";
import type { TileAddress } from "./tile-sequence";
import { startTileServer } from "./tiles";

export type PostgisFigures =
  | { available: false; reason: string }
  | {
      available: true;
      version: string;
      records: number;
      loadSeconds: number;
      /** The whole-continent tile (zoom 3), where every record is in the envelope. */
      firstTileMs: number;
      warm: Latency;
      meanTileBytes: number;
    };

/** The newest installed PostgreSQL whose share directory has PostGIS. */
function findPostgis(): { bin: string; version: string } | null {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    if (fs.existsSync(`/usr/share/postgresql/${v}/extension/postgis.control`) && fs.existsSync(`${root}/${v}/bin/postgres`)) {
      return { bin: `${root}/${v}/bin`, version: v };
    }
  }
  return null;
}

/** PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })),
  };
}

function run(file: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...user, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${code}): ${stderr.trim().slice(-500)}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface PostgisOptions {
  source: pg.Pool;
  /** Edgar's database, for the tile server process that also serves the peer's tiles. */
  databaseUrl: string;
  speciesId: number;
  session: TileAddress[];
  passes: number;
  say: Say;
}

export async function benchPostgis(o: PostgisOptions): Promise<PostgisFigures> {
  const found = findPostgis();
  if (!found) {
    return { available: false, reason: "PostGIS is not installed (Debian: apt-get install postgresql-15-postgis-3); the PostGIS peer was skipped" };
  }
  const user = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edgar-bench-postgis-"));
  const data = path.join(dir, "data");
  if (user) fs.chownSync(dir, user.uid, user.gid);
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  let started = false;
  try {
    await run(`${found.bin}/initdb`, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"], user);
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c fsync=off -c jit=off -c max_wal_size=4GB`;
    await run(`${found.bin}/pg_ctl`, ["start", "-w", "-D", data, "-l", path.join(dir, "log"), "-o", settings], user);
    started = true;
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      return await measure(db, url, found.version, o);
    } finally {
      await db.end();
    }
  } catch (err) {
    return { available: false, reason: `the PostGIS peer failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    if (started) await run(`${found.bin}/pg_ctl`, ["stop", "-m", "fast", "-D", data], user).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(db: pg.Client, url: string, major: string, o: PostgisOptions): Promise<PostgisFigures> {
  const load = await timed(async () => {
    await db.query("CREATE EXTENSION postgis");
    await db.query("CREATE TABLE occ (id int, classification int2, contentious bool, duplicate_status int2, lat real, lon real)");
    const from = await o.source.connect();
    try {
      await pipeline(
        from.query(
          copyOut(`COPY (SELECT id, classification, contentious, duplicate_status, lat, lon FROM classified_occurrences
                  WHERE species_id = ${Number(o.speciesId)} AND lat BETWEEN -85 AND 85 AND lon BETWEEN -180 AND 180) TO STDOUT`),
        ),
        db.query(copyFrom("COPY occ FROM STDIN")),
      );
    } finally {
      from.release();
    }
    await db.query("ALTER TABLE occ ADD COLUMN geom geometry(Point, 3857)");
    await db.query("UPDATE occ SET geom = ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3857)");
    await db.query("CREATE INDEX occ_geom ON occ USING gist (geom)");
    await db.query("CLUSTER occ USING occ_geom");
    await db.query("VACUUM ANALYZE occ");
  });
  const { rows } = await db.query<{ n: number; v: string }>("SELECT count(*)::int AS n, postgis_lib_version() AS v FROM occ");
  o.say(`  PostGIS ${rows[0].v} on PostgreSQL ${major}: ${rows[0].n.toLocaleString("en")} records loaded and indexed in ${(load.ms / 1000).toFixed(1)} s`);
  const server = await startTileServer({ DATABASE_URL: o.databaseUrl, POSTGIS_URL: url });
  const client = tileClient(server.url);
  try {
    const paths = o.session.map((t) => `/postgis/${t.z}/${t.x}/${t.y}.pbf`);
    const first = await timed(() => client.get(paths[0]));
    const session = await timeSession(client, paths, o.passes);
    o.say(`  PostGIS tiles: p50 ${session.latency.p50} ms, p95 ${session.latency.p95} ms`);
    return {
      available: true,
      version: `PostGIS ${rows[0].v}, PostgreSQL ${major}`,
      records: rows[0].n,
      loadSeconds: Math.round(load.ms / 100) / 10,
      firstTileMs: Math.round(first.ms),
      warm: session.latency,
      meanTileBytes: session.meanTileBytes,
    };
  } finally {
    client.close();
    await server.stop();
  }
}
