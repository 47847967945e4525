/**
 * Step 8's last word: after reconciliation every species' local count, plus the records of it the
 * ALA holds but Edgar cannot read, must equal its remote count. Species that still differ fail
 * the run (CountsDiffer); species with over 1 % of their records unreadable are named too.
 */
import type pg from "pg";
import type { CountWarning } from "./runs";

/** A species with more than this share of its records unreadable is named in the run's report. */
export const MALFORMED_SHARE = 0.01;

/** Species whose counts still differ, or with over 1 % of their records unreadable. */
export async function countCheck(
  db: pg.Pool,
  compared: readonly { guid: string; remote: number }[],
  local: readonly { guid: string; count: number }[],
  malformed: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<CountWarning[]> {
  const here = new Map(local.map((l) => [l.guid, l.count]));
  const found: Omit<CountWarning, "name">[] = [];
  for (const c of compared) {
    const count = here.get(c.guid) ?? 0;
    const bad = malformed.get(c.guid)?.size ?? 0;
    const base = { guid: c.guid, remote: c.remote, local: count, malformed: bad };
    if (c.remote !== count + bad) found.push({ ...base, reason: "differs" });
    else if (bad > c.remote * MALFORMED_SHARE) found.push({ ...base, reason: "malformed" });
  }
  if (!found.length) return [];
  const { rows } = await db.query<{ guid: string; name: string | null }>(
    "SELECT guid, COALESCE(common_name, scientific_name) AS name FROM species WHERE guid = ANY($1::text[])",
    [found.map((f) => f.guid)],
  );
  const names = new Map(rows.map((r) => [r.guid, r.name]));
  return found.map((f) => ({ ...f, name: names.get(f.guid) ?? null }));
}

