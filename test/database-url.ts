export const TEMPLATE_PREFIX = "edgar_template_";
export const TEST_DB_PREFIX = "edgar_test_";

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
