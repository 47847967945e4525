/**
 * One sync run: the original importer's nine steps (docs/sync.md), resumable.
 *
 * 1 record the start time · 2 read the last successful import time · 3 list the bird species ·
 * 4 add/update/retire species · 5 fetch records changed since the last import (everything for a
 * full import) · 6 upsert them · 7 delete records gone at the source · 8 compare remote and local
 * counts per species and reconcile those that differ · 9 on success only, store the start time
 * as the last import time.
 */
import type pg from "pg";
import path from "node:path";
import { AlaRequestError, type AlaClient, type SpeciesInfo } from "@/lib/ala/client";
import { ID_COLUMNS, RECORD_COLUMNS } from "@/lib/ala/download-columns";
import { normaliseUuid } from "@/lib/ala/normalise";
import type { SearchPage } from "@/lib/ala/schemas";
import { config } from "@/lib/config";
import { pool as sharedPool } from "@/lib/db/pool";
import { log as rootLog } from "@/lib/log";
import { createRules, type RatingConfig } from "@/lib/ratings/rules";
import { refreshSpeciesStats } from "@/lib/species/stats";
import { addCheckpoints, checkpointStates, markAllReconciled, markFetched, markReconciled } from "./checkpoints";
import { DatasetIds } from "./datasets";
import { importDownload } from "./download-import";
import { describeQueue, describeReading, DownloadUnavailable, Downloads, type DownloadSettings } from "./downloads";
import { countCheck } from "./count-check";
import { CountsDiffer, SyncAborted, SyncAlreadyRunning, throwIfAborted } from "./errors";
import { fetchSpecies } from "./fetch";
import { changedSince, ofSpecies, relevantOnly, SINCE_OVERLAP_MS } from "./filters";
import { fetchImageMetadata } from "./images";
import { tryAcquireSyncLock, type SyncLock } from "./lock";
import { groupForDownload, splitBySize, type SpeciesCount } from "./plan";
import { prepareRecords, type Prepared, type SkipCounts } from "./prepare";
import { Progress, type ProgressSnapshot } from "./progress";
import { reconcileSpecies, type ReconcileDeps } from "./reconcile";
import { reclassifyVetted, SpeciesRefresher } from "./refresh";
import { clearRemoteIds, storeRemoteIds } from "./remote-ids";
import {
  activeRun,
  failRun,
  getRun,
  insertRun,
  startRun,
  succeedPartialRun,
  succeedRun,
  toSyncRun,
  setWarnings,
  type SyncKind,
  type SyncRun,
  type SyncRunRow,
  type SyncTrigger,
} from "./runs";
import { applySpeciesList, localSpecies, reviveSpecies, SpeciesIds } from "./species";
import { syncTarget } from "./target";
import type { RecordSpecies } from "./prepare";
import { deleteBySourceIds } from "./upsert";
import { Writer } from "./writer";

export interface RunSyncOptions {
  /** Run this queued row (a worker job). Without it, a new row is created. */
  runId?: number;
  /** For a new run; an incremental run without a last import time fetches everything. */
  kind?: SyncKind;
  trigger?: SyncTrigger;
  requestedById?: string | null;
  /** Limit a new run to one species (guid); it then does not move the last import time. */
  species?: string;
  /** Stops the run at the next safe point; it stays `running` and the next run resumes it. */
  signal?: AbortSignal;
  /** Default: the configured ALA client, or the run's Living Atlas source's (lib/sync/target.ts). */
  client?: AlaClient;
  /** The source a new run syncs (sources.id, a Living Atlas); default the ALA. A resumed run keeps its own. */
  source?: number;
  /** The sync lock, when the caller holds it already (lib/sources/run.ts); released by the caller. */
  lock?: SyncLock;
  /** Default: SYNC_CONCURRENCY. */
  concurrency?: number;
  /** The rating rules' configuration (docs/ratings.md); default: the default rules. */
  ratings?: RatingConfig;
  onProgress?: (progress: ProgressSnapshot) => void;
  /** Default: from the configuration (ALA_DOWNLOAD_*, SYNC_DOWNLOAD_*, DATA_DIR/downloads). */
  downloads?: Partial<DownloadSettings>;
  /** Default: ALA_PAGE_DEPTH_MAX. */
  pageDepthMax?: number;
  /** Records per download; default SYNC_DOWNLOAD_RECORDS. */
  downloadRecords?: number;
  /**
   * How a full import reads: `download` (default), or `search` paging within the page depth,
   * which only reads everything from a service without the ALA's depth cap (the bench compares
   * the two paths; the search-only fault modes test it).
   */
  bulkReads?: "download" | "search";
}

export interface SyncResult {
  runId: number;
  kind: SyncKind;
  /** `stopped`: aborted through the signal, left for the next run to resume. */
  status: "succeeded" | "failed" | "stopped";
  /** This call finished an interrupted run rather than the one it asked for. */
  resumed: boolean;
  error: string | null;
  run: SyncRun | null;
}

/** Record ids per id-list download: a row is a uuid and a species id, a tenth of a record's. */
const ID_DOWNLOAD_RECORDS = 5_000_000;

/** Image metadata looked up per run (the rest stays pending for later runs or lazy look-ups). */
const IMAGES_PER_RUN = 500;

/**
 * Runs one sync to its end in this process. At most one run at a time across all processes
 * (advisory lock; SyncAlreadyRunning otherwise). An interrupted run (its process died) is
 * resumed first: this call then finishes that run and reports `resumed: true`.
 */
export async function runSync(options: RunSyncOptions = {}): Promise<SyncResult> {
  const db = sharedPool();
  const lock = options.lock ?? (await tryAcquireSyncLock(process.env.DATABASE_URL!));
  if (!lock) throw new SyncAlreadyRunning((await activeRun(db))?.id ?? null);
  try {
    let row = await activeRun(db);
    if (options.runId !== undefined && row?.id !== options.runId) {
      const requested = await getRun(db, options.runId);
      if (!requested) throw new Error(`sync run ${options.runId} does not exist`);
      // Already finished (a repeated job): nothing to do. Otherwise an interrupted run blocks it: finish that.
      if (!row) return resultOf(requested, false);
    }
    const resumed = row?.status === "running";
    if (!row) {
      const id = await insertRun(db, {
        kind: options.kind ?? "incremental",
        trigger: options.trigger ?? "cli",
        requestedById: options.requestedById,
        sourceId: options.source,
      });
      row = (await getRun(db, id))!;
    }
    // Losing the lock stops the run like a signal does: someone else may resume it now.
    const signal = options.signal ? AbortSignal.any([options.signal, lock.lost]) : lock.lost;
    // An interrupted run cannot say whether it was limited to a species, so it resumes as a whole run.
    return await execute(db, row, { ...options, signal, species: resumed ? undefined : options.species }, resumed);
  } finally {
    if (!options.lock) await lock.release();
  }
}

function resultOf(row: SyncRunRow, resumed: boolean): SyncResult {
  const status = row.status === "succeeded" || row.status === "failed" ? row.status : "stopped";
  return { runId: row.id, kind: row.kind, status, resumed, error: row.error, run: toSyncRun(row) };
}

function describe(err: unknown): { reason: string; detail: unknown } {
  if (err instanceof AlaRequestError) return { reason: err.message, detail: err.toJSON() };
  if (err instanceof CountsDiffer) return { reason: err.message, detail: { species: err.species } };
  if (err instanceof DownloadUnavailable) return { reason: err.message, detail: { message: err.message, name: err.name } };
  const message = err instanceof Error ? err.message : String(err);
  return { reason: `Sync failed: ${message}`, detail: { message, name: err instanceof Error ? err.name : undefined } };
}

async function execute(db: pg.Pool, queued: SyncRunRow, o: RunSyncOptions, resumed: boolean): Promise<SyncResult> {
  const row = await startRun(db, queued.id); // step 1 (and 2: `since` is the last import time, fixed at the first start)
  const runId = row.id;
  const log = rootLog.child({ runId, kind: row.kind, resumed, species: o.species });
  // The ALA, or another Living Atlas: its client, download account and species (the rest is the same).
  const target = await syncTarget(db, row.source_id, o.client);
  const { client, sourceId } = target;
  const fields = client.fields;
  const concurrency = o.concurrency ?? config().SYNC_CONCURRENCY;
  const progress = new Progress(db, runId, row, o.onProgress);
  const refresher = new SpeciesRefresher(db);
  const writer = new Writer(db, {
    source: sourceId,
    onCommitted: (r) => {
      progress.count(r);
      refresher.add(r.touched);
    },
  });
  const limit = o.species ? [ofSpecies(fields, o.species)] : [];
  const c = config();
  const pageDepthMax = o.pageDepthMax ?? c.ALA_PAGE_DEPTH_MAX;
  const downloadRecords = o.downloadRecords ?? c.SYNC_DOWNLOAD_RECORDS;
  // Zips are kept per database too: test databases share one DATA_DIR and their run ids overlap.
  const database = (await db.query<{ name: string }>("SELECT current_database() AS name")).rows[0].name;
  /** What the run's message says it waits on: the ALA's queue, and the download being read. */
  const waits: { queue: string | null; reading: string | null } = { queue: null, reading: null };
  const say = (change: Partial<typeof waits>) => {
    Object.assign(waits, change);
    progress.message([waits.queue, waits.reading].filter(Boolean).join("; ") || null);
  };
  const downloads = new Downloads({
    db,
    client,
    runId,
    signal: o.signal,
    settings: {
      email: target.downloadEmail,
      missingEmail: target.missingEmail,
      reasonTypeId: c.ALA_DOWNLOAD_REASON,
      pollMs: c.SYNC_DOWNLOAD_POLL_MS,
      maxWaitMs: c.SYNC_DOWNLOAD_MAX_WAIT_MS,
      retries: c.SYNC_RETRIES,
      dir: path.join(c.DATA_DIR, "downloads", database),
      ...o.downloads,
    },
    onQueue: (q) => say({ queue: q.waiting + q.running ? describeQueue(q) : null }),
  });
  /** Malformed records by species (ids), which the final count check allows for. */
  const malformed = new Map<string, Set<string>>();
  log.info({ since: row.since }, resumed ? "resuming interrupted sync run" : "sync run started");

  try {
    // Steps 3–4.
    progress.phase("species");
    await progress.flush();
    const known = await localSpecies(db);
    const listed = await client.speciesList({ fq: limit, namesFor: (guid) => !known.has(guid), concurrency });
    throwIfAborted(o.signal);
    // The ALA's list is Edgar's species list; another atlas's is matched to it, and its species
    // that match none are not read (their records counted as skipped, their names listed).
    let speciesIds: RecordSpecies;
    if (target.atlas) {
      speciesIds = target.atlas;
      const { unmatched } = await target.atlas.split(listed);
      if (!o.species) await target.atlas.saveUnmatched(db, unmatched);
    } else {
      if (!o.species) await applySpeciesList(db, listed);
      const ids = await SpeciesIds.load(db);
      for (const s of listed) await ids.resolve(s.guid, s);
      speciesIds = ids;
    }
    const ctx = { species: speciesIds, datasets: new DatasetIds(db, target.datasetPrefix), rules: createRules(o.ratings), images: !target.atlas };

    /** Prepares and queues one page (of a search or a download); returns its commit and the ids it stores. */
    /** Counts records read: skipped ones by reason, malformed ones by species. */
    const countRead = (read: { received: number; skipped: SkipCounts; malformed: Prepared["malformed"] }) => {
      progress.skip(read.skipped);
      for (const m of read.malformed) (malformed.get(m.guid) ?? malformed.set(m.guid, new Set()).get(m.guid)!).add(m.id);
      progress.advance(read.received);
    };
    const importPage = async (page: Pick<SearchPage, "records" | "invalid" | "received">) => {
      const prepared = await prepareRecords(page.records, page.invalid, ctx);
      countRead({ ...prepared, received: page.received });
      return { ...(await writer.add(prepared.rows)), ids: prepared.rows.map((r) => r.sourceId) };
    };
    /** Reads a download's records (in the download thread); what it gives back writes them. */
    const consume = (file: string) =>
      importDownload(file, RECORD_COLUMNS, {
        writer,
        species: speciesIds,
        datasets: ctx.datasets,
        images: ctx.images,
        ratings: o.ratings,
        signal: o.signal,
        onBatch: countRead,
        onRead: (received) => say({ reading: describeReading(received) }),
      }).finally(() => say({ reading: null }));
    /**
     * Reads these species' records (changed since `since`, when given): search while a species
     * fits within the page depth and the run is not a bulk read, offline downloads otherwise.
     */
    const fetchRecords = async (species: readonly SpeciesCount[], since: Date | null, bulk: boolean, onSpeciesDone: (guid: string) => Promise<void>) => {
      const filter = since ? [changedSince(fields, since)] : [];
      const { search, download } = splitBySize(species, { pageDepthMax, bulk });
      const tooDeep = await fetchSpecies(
        search.map((s) => s.guid),
        {
          client,
          concurrency,
          signal: o.signal,
          maxRecords: pageDepthMax,
          filters: (guid) => [fields.birdFilter, ofSpecies(fields, guid), ...filter],
          onPage: (_, page) => importPage(page),
          onSpeciesDone,
        },
      );
      const counts = new Map(species.map((s) => [s.guid, s.count]));
      download.push(...tooDeep.map((guid) => ({ guid, count: Math.max(counts.get(guid) ?? 0, pageDepthMax + 1) })));
      if (!download.length) return;
      await downloads.plan("records", download, filter, downloadRecords);
      await downloads.run("records", RECORD_COLUMNS, consume, {
        guids: download.map((s) => s.guid),
        done: async (guids) => {
          for (const guid of guids) await onSpeciesDone(guid);
        },
      });
      say({ queue: null, reading: null });
    };

    // Steps 5–6.
    const since = row.since;
    let changed: SpeciesInfo[] = since
      ? await client.speciesList({ fq: [...limit, changedSince(fields, since)], namesFor: () => false })
      : listed;
    if (target.atlas) {
      const { matched, unmatchedRecords } = await target.atlas.split(changed);
      changed = matched;
      if (unmatchedRecords) progress.skip({ unmatchedName: unmatchedRecords });
    }
    await addCheckpoints(db, runId, changed);
    const states = await checkpointStates(db, runId);
    const toFetch = changed.filter((s) => states.get(s.guid) === "pending").sort((a, b) => b.count - a.count);
    progress.phase("fetch", toFetch.reduce((n, s) => n + s.count, 0));
    log.info({ species: toFetch.length, records: progress.snapshot().total }, "fetching records");
    const bulk = since === null && !o.species && o.bulkReads !== "search";
    await fetchRecords(toFetch, since, bulk, async (guid) => {
      await markFetched(db, runId, guid);
      await refresher.refresh();
    });
    await writer.flush();

    // Step 7: the deleted-records service (empty on the current ALA; reconciliation below covers it).
    let deleted = 0;
    const deleteIds = async (ids: string[]) => {
      const result = await deleteBySourceIds(db, ids, sourceId);
      progress.count({ deleted: result.deleted });
      refresher.add(result.touched);
      deleted += result.deleted;
      return result.deleted;
    };
    if (since && !o.species) {
      progress.phase("deleted");
      const gone = (await client.deleted(new Date(since.getTime() - SINCE_OVERLAP_MS))).flatMap((id) => normaliseUuid(id) ?? []);
      if (gone.length) await deleteIds(gone);
      await refresher.refresh();
    }
    throwIfAborted(o.signal);

    // Step 8: remote (relevant records only) against local counts; reconcile every species that differs.
    progress.phase("reconcile");
    await progress.flush();
    const relevantList = await client.speciesList({ fq: [...limit, relevantOnly(fields)], namesFor: () => false });
    const remoteCounts = new Map((target.atlas ? (await target.atlas.split(relevantList)).matched : relevantList).map((s) => [s.guid, s.count]));
    if (!o.species && !target.atlas) await reviveSpecies(db, [...remoteCounts.keys()]);
    for (const guid of remoteCounts.keys()) await speciesIds.resolve(guid, { scientificName: null, commonName: null });
    const limitId = o.species ? speciesIds.get(o.species) ?? null : undefined;
    const local = await localCounts(db, sourceId, limitId);
    // Compared per Edgar species: another atlas may hold one species under several of its ids.
    const guidOf = new Map(local.map((l) => [l.id, l.guid]));
    if (target.atlas) {
      const ids = [...remoteCounts.keys()].map((g) => speciesIds.get(g)!);
      const { rows } = await db.query<{ id: number; guid: string }>("SELECT id, guid FROM species WHERE id = ANY($1::int[])", [ids]);
      for (const r of rows) guidOf.set(r.id, r.guid);
    }
    const compared = new Map<string, { id: number; remote: number; local: number; parts: SpeciesCount[] }>();
    for (const [guid, n] of remoteCounts) {
      const id = speciesIds.get(guid)!;
      const key = guidOf.get(id) ?? guid;
      const c = compared.get(key) ?? { id, remote: 0, local: 0, parts: [] };
      c.remote += n;
      c.parts.push({ guid, count: n });
      compared.set(key, c);
    }
    for (const l of local) {
      const c = compared.get(l.guid) ?? { id: l.id, remote: 0, local: 0, parts: [] };
      c.local = l.count;
      compared.set(l.guid, c);
    }
    const reconciledBefore = await checkpointStates(db, runId);
    const all = [...compared].map(([guid, c]) => ({ guid, ...c }));
    const differing = all
      .filter((c) => c.remote !== c.local && reconciledBefore.get(c.guid) !== "reconciled")
      // Species that gained records first: records that moved between species are then found under their new one.
      .sort((a, b) => b.remote - b.local - (a.remote - a.local));
    await markAllReconciled(db, runId, all.filter((c) => c.remote === c.local));
    progress.phase("reconcile", differing.length);
    progress.totals({ remoteTotal: all.reduce((n, c) => n + c.remote, 0) });
    log.info({ species: all.length, differing: differing.length }, "comparing counts");

    /** Relevant record ids of these species into sync_remote_ids, through offline downloads (`fields=id,speciesID`). */
    const readIdLists = async (species: readonly SpeciesCount[]) => {
      const guids = species.map((s) => s.guid);
      await clearRemoteIds(db, runId, guids);
      await downloads.plan("ids", species, [relevantOnly(fields)], ID_DOWNLOAD_RECORDS);
      await downloads.run("ids", ID_COLUMNS, (file) => storeRemoteIds(db, runId, file, new Set(guids)), { guids });
      progress.message(null);
      return new Set(guids);
    };
    let idLists: ReturnType<typeof readIdLists> | null = null;
    const deps: ReconcileDeps = {
      client,
      pool: db,
      runId,
      concurrency,
      signal: o.signal,
      importPage: async (page) => {
        const { committed, ids } = await importPage(page);
        await committed;
        return new Set(ids);
      },
      pageDepthMax,
      refetchSpecies: (guid) => fetchRecords([{ guid, count: remoteCounts.get(guid) ?? 0 }], null, false, async () => undefined),
      source: sourceId,
      downloadIds: async (guid) => {
        // Every differing species past the depth at once, on the first need: one download for
        // many species rather than one queued at the ALA per species.
        idLists ??= readIdLists(differing.flatMap((c) => c.parts).filter((p) => p.count > pageDepthMax));
        if (!(await idLists).has(guid)) await readIdLists([{ guid, count: remoteCounts.get(guid) ?? 0 }]);
      },
      deleteIds,
    };
    for (const c of differing) {
      throwIfAborted(o.signal);
      const result = await reconcileSpecies(deps, { guid: c.guid, speciesId: c.id, remoteCount: c.remote, parts: c.parts });
      await writer.flush();
      const after = await localCounts(db, sourceId, c.id);
      await markReconciled(db, runId, c.guid, { remote: c.remote, local: after[0]?.count ?? 0 });
      log.info({ guid: c.guid, remote: c.remote, localBefore: c.local, localAfter: after[0]?.count ?? 0, ...result }, "species reconciled");
      progress.advance(1);
      await refresher.refresh();
    }
    // The species' remote count is the ALA's (the admin's count check compares it with the ALA's records).
    if (!target.atlas) {
      await db.query(
        "UPDATE species s SET remote_count = c.n FROM unnest($1::int[], $2::int[]) AS c(id, n) WHERE s.id = c.id",
        [all.map((c) => c.id), all.map((c) => c.remote)],
      );
    }

    // Counts and versions of every species that changed (all of them after an interruption: the
    // killed process may have committed records whose species it never refreshed).
    progress.phase("stats");
    if (resumed) {
      await reclassifyVetted(db, null);
      await refreshSpeciesStats(db, (await db.query<{ id: number }>("SELECT id FROM species")).rows.map((r) => r.id), { bumpVersion: true });
    }
    await refresher.refresh();
    if (!target.atlas) {
      await db.query("UPDATE species SET last_synced_at = now() WHERE status = 'active' AND ($1::int IS NULL OR id = $1)", [limitId ?? null]);
    }

    // Image ids are kept for the ALA's records only: image URLs are built on ALA_IMAGES_URL (lib/ala/images.ts).
    progress.phase("images");
    const images = target.atlas
      ? null
      : await fetchImageMetadata(db, client, { limit: IMAGES_PER_RUN, concurrency }).catch((err: unknown) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, "image metadata step failed");
          return null;
        });

    const finalCounts = await localCounts(db, sourceId, limitId);
    const totals = { remoteTotal: progress.snapshot().remoteTotal ?? 0, localTotal: finalCounts.reduce((n, c) => n + c.count, 0) };
    progress.totals(totals);
    await progress.close();
    // The count check: every species agrees now, allowing for records the ALA holds that cannot be read.
    const warnings = await countCheck(db, all, finalCounts, target.atlas ? regroup(malformed, (g) => guidOf.get(speciesIds.get(g) ?? -1)) : malformed);
    await setWarnings(db, runId, warnings);
    const differ = warnings.filter((w) => w.reason === "differs");
    if (differ.length) throw new CountsDiffer(differ);
    await downloads.cleanUp();

    // Step 9.
    if (o.species) await succeedPartialRun(db, runId, totals);
    else await succeedRun(db, runId, totals);
    const finished = (await getRun(db, runId))!;
    log.info({ ...progress.snapshot(), deleted, images }, "sync run succeeded");
    return resultOf(finished, resumed);
  } catch (err) {
    // Whatever was queued is consistent on its own: commit it, and its species' counts, before stopping.
    await writer.flush().catch(() => undefined);
    await refresher.refresh().catch(() => undefined);
    await progress.close();
    if (err instanceof SyncAborted) {
      log.warn("sync run stopped; the next run resumes it");
      return { ...resultOf((await getRun(db, runId))!, resumed), status: "stopped" };
    }
    const { reason, detail } = describe(err);
    await failRun(db, runId, reason, detail);
    // A failed run is never resumed (the next run starts over), so its zips are of no more use.
    await downloads.cleanUp().catch(() => undefined);
    log.error({ err: detail }, "sync run failed");
    return resultOf((await getRun(db, runId))!, resumed);
  }
}

/** Local record counts of one source per species (of one species when given; null: a species not stored); other sources' records are not this one's to count. */
async function localCounts(db: pg.Pool, source: number, speciesId?: number | null): Promise<{ id: number; guid: string; count: number }[]> {
  if (speciesId === null) return [];
  const { rows } = await db.query<{ id: number; guid: string; count: number }>(
    `SELECT s.id, s.guid, c.n AS count
     FROM (SELECT species_id, count(*)::int AS n FROM occurrences
           WHERE source = $2 AND ($1::int IS NULL OR species_id = $1) GROUP BY species_id) c
     JOIN species s ON s.id = c.species_id`,
    [speciesId ?? null, source],
  );
  return rows;
}

/** Malformed record ids by another atlas's species id → by the Edgar species' guid the counts compare under. */
function regroup(malformed: ReadonlyMap<string, ReadonlySet<string>>, key: (guid: string) => string | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [guid, ids] of malformed) {
    const k = key(guid);
    if (k === undefined) continue;
    const set = out.get(k) ?? out.set(k, new Set()).get(k)!;
    for (const id of ids) set.add(id);
  }
  return out;
}
