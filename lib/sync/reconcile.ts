/**
 * Steps 7–8 for the current ALA, whose deleted-records service answers nothing: per species,
 * when the remote and local counts differ, list the species' remote record ids and compare with
 * the local ones. Records missing locally are fetched; local ones the species no longer has are
 * looked up by id first (they may have moved to another species, or stopped being relevant)
 * and deleted only when the source no longer has them as relevant records. A species past the
 * search's page depth has its id list read through an offline download instead of search, into
 * `sync_remote_ids`, and compared with the local ids there: only the ids that differ come out.
 */
import type pg from "pg";
import type { AlaClient } from "@/lib/ala/client";
import { normaliseUuid } from "@/lib/ala/normalise";
import type { SearchPage } from "@/lib/ala/schemas";
import { throwIfAborted } from "./errors";
import { ofSpecies, relevantOnly, withIds } from "./filters";

export interface ReconcileDeps {
  client: AlaClient;
  pool: pg.Pool;
  concurrency: number;
  signal?: AbortSignal;
  /** Imports looked-up records (committed on return); returns the source ids stored. */
  importPage: (page: SearchPage) => Promise<Set<string>>;
  /** Fetches every record of a species again (when too many are missing to look up one by one). */
  refetchSpecies: (guid: string) => Promise<void>;
  /** Search reaches this many records of a query; past it ids come from `downloadIds`. */
  pageDepthMax: number;
  /** The run, whose `sync_remote_ids` rows downloadIds fills. */
  runId: number;
  /** Puts every relevant record id of a species, read through an offline download (`fields=id`), in `sync_remote_ids`. */
  downloadIds: (guid: string) => Promise<void>;
  deleteIds: (sourceIds: string[]) => Promise<number>;
  /** The source whose records are compared (sources.id). */
  source: number;
}

export interface ReconcileResult {
  missing: number;
  gone: number;
  deleted: number;
}

const PAGE = 1000;
const LOOKUP_BATCH = 100;
/** More missing records than this (or a fifth of the species) are fetched by reading the species again, not by id. */
const REFETCH_FROM = LOOKUP_BATCH * 10;

/** Runs `task` over `items` with at most `limit` at once, in order of start. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A species' relevant record ids at the source: held (read by search), or in `sync_remote_ids` (read by download). */
export type RemoteIds = { ids: Set<string> } | { table: true };

/**
 * Every relevant record id of a species at the source, paged by id (fl=id keeps pages small), or
 * by download when the species holds more than search can reach.
 */
export async function remoteIds(deps: ReconcileDeps, guid: string, count: number): Promise<RemoteIds> {
  const downloaded = async (): Promise<RemoteIds> => {
    await deps.downloadIds(guid);
    return { table: true };
  };
  if (count > deps.pageDepthMax) return downloaded();
  const { client } = deps;
  const fq = [client.fields.birdFilter, ofSpecies(client.fields, guid), relevantOnly(client.fields)];
  const page = (startIndex: number) =>
    client.searchPageComplete({ fq, pageSize: PAGE, startIndex, sort: client.fields.sortById, dir: "asc", fl: client.fields.id });
  const ids = new Set<string>();
  const add = (p: SearchPage) => {
    for (const r of p.records) {
      const id = normaliseUuid(r.uuid);
      if (id) ids.add(id); // an id that is not a UUID can never be stored: nothing to compare
    }
  };
  const first = await page(0);
  // It grew past the depth since it was counted: search cannot list it whole.
  if (first.totalRecords > deps.pageDepthMax) return downloaded();
  add(first);
  const starts: number[] = [];
  for (let s = PAGE; s < first.totalRecords; s += PAGE) starts.push(s);
  await eachLimited(starts, deps.concurrency, async (s) => {
    throwIfAborted(deps.signal);
    add(await page(s));
  });
  return { ids };
}

async function localIds(pool: pg.Pool, source: number, speciesId: number): Promise<Set<string>> {
  const { rows } = await pool.query<{ source_id: string }>("SELECT source_id FROM occurrences WHERE species_id = $1 AND source = $2", [speciesId, source]);
  return new Set(rows.map((r) => r.source_id));
}

/** What differs between the remote ids (of the species' parts) and the local ones: held ones compared here, downloaded ones in SQL. */
async function compare(
  deps: ReconcileDeps,
  lists: readonly { guid: string; remote: RemoteIds }[],
  speciesId: number,
): Promise<{ remote: number; missing: string[]; gone: string[] }> {
  const held = lists.flatMap((l) => ("ids" in l.remote ? [{ guid: l.guid, ids: l.remote.ids }] : []));
  if (held.length === lists.length) {
    const remote = new Set(held.flatMap((l) => [...l.ids]));
    const local = await localIds(deps.pool, deps.source, speciesId);
    return { remote: remote.size, missing: [...remote].filter((id) => !local.has(id)), gone: [...local].filter((id) => !remote.has(id)) };
  }
  // Some parts were downloaded into sync_remote_ids: the searched ones join them there.
  for (const l of held) {
    if (!l.ids.size) continue;
    await deps.pool.query(`INSERT INTO sync_remote_ids (run_id, species_guid, source_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`, [deps.runId, l.guid, [...l.ids]]);
  }
  const { rows } = await deps.pool.query<{ remote: number; missing: string[]; gone: string[] }>(
    `WITH r AS (SELECT DISTINCT source_id FROM sync_remote_ids WHERE run_id = $1 AND species_guid = ANY ($2::text[])),
          l AS (SELECT source_id FROM occurrences WHERE species_id = $3 AND source = $5)
     SELECT (SELECT count(*)::int FROM r) AS remote,
       -- Past the refetch threshold (below) the ids are not needed: the species is read again whole.
       ARRAY(SELECT r.source_id::text FROM r WHERE NOT EXISTS (SELECT 1 FROM l WHERE l.source_id = r.source_id)
             LIMIT (SELECT greatest($4, count(*) / 5) + 1 FROM r)) AS missing,
       ARRAY(SELECT l.source_id::text FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.source_id = l.source_id)) AS gone`,
    [deps.runId, lists.map((l) => l.guid), speciesId, REFETCH_FROM, deps.source],
  );
  return rows[0];
}

/** Fetches records by id (any species), imports them; returns the ids now stored. */
async function lookUp(deps: ReconcileDeps, ids: readonly string[], relevant: boolean): Promise<Set<string>> {
  const { client } = deps;
  const stored = new Set<string>();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) batches.push(ids.slice(i, i + LOOKUP_BATCH));
  await eachLimited(batches, deps.concurrency, async (batch) => {
    throwIfAborted(deps.signal);
    const fq = [client.fields.birdFilter, withIds(client.fields, batch), ...(relevant ? [relevantOnly(client.fields)] : [])];
    const page = await client.searchPageComplete({ fq, pageSize: batch.length, startIndex: 0 });
    for (const id of await deps.importPage(page)) stored.add(id);
  });
  return stored;
}

/**
 * Makes one species' local records match the source's relevant records. `speciesId` null: the
 * species is not stored locally (nothing to delete).
 */
export async function reconcileSpecies(
  deps: ReconcileDeps,
  species: { guid: string; speciesId: number; remoteCount: number; parts?: readonly { guid: string; count: number }[] },
): Promise<ReconcileResult> {
  // Another atlas may hold one Edgar species under several of its species ids: its parts.
  const parts = species.parts ?? [{ guid: species.guid, count: species.remoteCount }];
  const lists: { guid: string; remote: RemoteIds }[] = [];
  for (const p of parts) if (p.count > 0) lists.push({ guid: p.guid, remote: await remoteIds(deps, p.guid, p.count) });
  throwIfAborted(deps.signal);
  const { remote: remoteSize, missing, gone } = await compare(deps, lists, species.speciesId);

  if (missing.length > Math.max(REFETCH_FROM, remoteSize / 5)) for (const p of parts) await deps.refetchSpecies(p.guid);
  else if (missing.length) await lookUp(deps, missing, true);

  let deleted = 0;
  if (gone.length) {
    // Still at the source under another species (split, merge), or gone / no longer relevant?
    const kept = await lookUp(deps, gone, false);
    deleted = await deps.deleteIds(gone.filter((id) => !kept.has(id)));
  }
  return { missing: missing.length, gone: gone.length, deleted };
}
