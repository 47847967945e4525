/**
 * Steps 7–8 for the current ALA, whose deleted-records service answers nothing: per species,
 * when the remote and local counts differ, list the species' remote record ids and compare with
 * the local ones. Records missing locally are fetched; local ones the species no longer has are
 * looked up by id first (they may have moved to another species, or stopped being relevant)
 * and deleted only when the source no longer has them as relevant records. A species past the
 * search's page depth has its id list read through an offline download instead of search.
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
  /** Every relevant record id of a species, through an offline download (`fields=id`). */
  downloadIds: (guid: string) => Promise<Set<string>>;
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

/** Runs `task` over `items` with at most `limit` at once, in order of start. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Every relevant record id of a species at the source, paged by id (fl=id keeps pages small), or
 * by download when the species holds more than search can reach.
 */
export async function remoteIds(deps: ReconcileDeps, guid: string, count: number): Promise<Set<string>> {
  if (count > deps.pageDepthMax) return deps.downloadIds(guid);
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
  if (first.totalRecords > deps.pageDepthMax) return deps.downloadIds(guid);
  add(first);
  const starts: number[] = [];
  for (let s = PAGE; s < first.totalRecords; s += PAGE) starts.push(s);
  await eachLimited(starts, deps.concurrency, async (s) => {
    throwIfAborted(deps.signal);
    add(await page(s));
  });
  return ids;
}

async function localIds(pool: pg.Pool, source: number, speciesId: number): Promise<Set<string>> {
  const { rows } = await pool.query<{ source_id: string }>("SELECT source_id FROM occurrences WHERE species_id = $1 AND source = $2", [speciesId, source]);
  return new Set(rows.map((r) => r.source_id));
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
  const remote = new Set<string>();
  for (const p of parts) if (p.count > 0) for (const id of await remoteIds(deps, p.guid, p.count)) remote.add(id);
  throwIfAborted(deps.signal);
  const local = await localIds(deps.pool, deps.source, species.speciesId);
  const missing = [...remote].filter((id) => !local.has(id));
  const gone = [...local].filter((id) => !remote.has(id));

  if (missing.length > Math.max(LOOKUP_BATCH * 10, remote.size / 5)) for (const p of parts) await deps.refetchSpecies(p.guid);
  else if (missing.length) await lookUp(deps, missing, true);

  let deleted = 0;
  if (gone.length) {
    // Still at the source under another species (split, merge), or gone / no longer relevant?
    const kept = await lookUp(deps, gone, false);
    deleted = await deps.deleteIds(gone.filter((id) => !kept.has(id)));
  }
  return { missing: missing.length, gone: gone.length, deleted };
}
