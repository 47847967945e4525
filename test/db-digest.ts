/**
 * One digest over every table a write could touch (all of public and pg-boss's schema), leaving
 * out what reading a request legitimately updates: sign-in attempt counts (rate_limit) and when a
 * key or session was last used. The write-side property tests take it before and after each
 * refused request: a refusal must leave it as it was.
 */
import type pg from "pg";

export interface DbDigest {
  /** The digest now: one `schema.table:count:md5` entry per table, joined by `|`. */
  take(): Promise<string>;
  /** The tables whose entry differs from `before`'s. */
  changedSince(before: string): Promise<string[]>;
}

export async function dbDigest(pool: pg.Pool): Promise<DbDigest> {
  const { rows } = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema IN ('public', 'pgboss') AND table_name NOT IN ('rate_limit', '_prisma_migrations')
      ORDER BY 1, 2`,
  );
  const volatile = `ARRAY['last_used_at', 'updated_at', 'expires_at', 'lastUsedAt', 'updatedAt', 'expiresAt']`;
  const parts = rows.map(
    ({ schema, name }) =>
      `(SELECT '${schema}.${name}:' || count(*) || ':' || md5(coalesce(string_agg((to_jsonb(t) - ${volatile})::text, ',' ORDER BY (to_jsonb(t) - ${volatile})::text), '')) FROM "${schema}"."${name}" t)`,
  );
  const query = `SELECT concat_ws('|', ${parts.join(", ")}) AS digest`;
  const take = async () => (await pool.query<{ digest: string }>(query)).rows[0].digest;
  return {
    take,
    async changedSince(before) {
      const then = before.split("|");
      return (await take()).split("|").filter((table) => !then.includes(table));
    },
  };
}
