import pg from "pg";
import { log } from "@/lib/log";

// Counts and ids come back as JS numbers; bigint columns here never exceed 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

let shared: pg.Pool | undefined;

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Edgar with `npm start`, which provides the database");
  return url;
}

/** The process's one pg pool, for hot paths (COPY, set-based SQL, tiles). */
export function pool(): pg.Pool {
  if (!shared) {
    shared = new pg.Pool({ connectionString: databaseUrl(), max: 10, application_name: "edgar" });
    // An idle client losing its connection (database restart) must not crash the process; the
    // pool drops it and the next query opens a new one.
    shared.on("error", (err) => log.warn({ err }, "an idle database connection failed"));
  }
  return shared;
}

export async function closePool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.end();
}
