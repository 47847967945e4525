import pg from "pg";

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
  shared ??= new pg.Pool({ connectionString: databaseUrl(), max: 10, application_name: "edgar" });
  return shared;
}

export async function closePool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.end();
}
