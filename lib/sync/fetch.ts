/**
 * Step 5: pages of records, species by species, each species paged in record-id order (a stable
 * sort, so startIndex paging is consistent). Up to `concurrency` requests are in flight; pages
 * of species already started come first, so species finish (and are checkpointed) in order
 * instead of all at the end. Search reaches only a query's first `maxRecords` (the ALA's page
 * depth): a species found to hold more is not paged further and is returned, for a download.
 */
import type { AlaClient } from "@/lib/ala/client";
import type { SearchPage } from "@/lib/ala/schemas";
import { SyncAborted } from "./errors";

export interface FetchOptions {
  client: AlaClient;
  /** Filter queries selecting one species' records (plus e.g. a lastLoadDate range). */
  filters: (guid: string) => string[];
  concurrency: number;
  pageSize?: number;
  /** The page depth: a species with more records is left for a download. */
  maxRecords: number;
  signal?: AbortSignal;
  /** Handles one page; resolves (once queued) with a promise of the page's rows being committed. */
  onPage: (guid: string, page: SearchPage) => Promise<{ committed: Promise<void> }>;
  /** Called once every page of the species is committed. */
  onSpeciesDone: (guid: string) => Promise<void>;
}

interface Open {
  guid: string;
  pageCount: number;
  nextPage: number;
  pagesDone: number;
  commits: Set<Promise<void>>;
  /** Found too large for search: left for a download. */
  tooDeep?: boolean;
}

/** Pages the species; answers those that turned out too large for search (not done, not checkpointed). */
export async function fetchSpecies(guids: readonly string[], o: FetchOptions): Promise<string[]> {
  const pageSize = o.pageSize ?? 1000;
  const queue = [...guids];
  const open: Open[] = [];
  const finishing = new Set<Promise<void>>();
  const tooDeep: string[] = [];
  let inFlight = 0;
  let failure: unknown = null;
  const waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const fail = (err: unknown) => {
    failure ??= err;
    notify();
  };
  const onAbort = () => fail(new SyncAborted());
  o.signal?.addEventListener("abort", onAbort);
  if (o.signal?.aborted) onAbort();

  const request = (guid: string, startIndex: number) =>
    o.client.searchPageComplete({ fq: o.filters(guid), pageSize, startIndex, sort: o.client.fields.sortById, dir: "asc" });

  const completed = (s: Open) => {
    if (s.tooDeep || s.pagesDone < s.pageCount || s.nextPage < s.pageCount) return;
    open.splice(open.indexOf(s), 1);
    const done = Promise.all(s.commits).then(() => o.onSpeciesDone(s.guid));
    finishing.add(done);
    done.then(() => finishing.delete(done), fail);
  };

  const handle = async (s: Open, page: SearchPage) => {
    if (s.tooDeep) return;
    if (page.totalRecords > o.maxRecords) {
      // Pages past the depth come back empty; the whole species comes by download instead.
      s.tooDeep = true;
      tooDeep.push(s.guid);
      open.splice(open.indexOf(s), 1);
      return;
    }
    // The index may grow while we page: follow it rather than stop at the first page's count.
    s.pageCount = Math.max(s.pageCount, Math.ceil(page.totalRecords / pageSize));
    s.commits.add((await o.onPage(s.guid, page)).committed);
    s.pagesDone++;
    completed(s);
  };

  type Job = () => Promise<void>;
  const take = (): Job | null => {
    const s = open.find((x) => x.nextPage < x.pageCount);
    if (s) {
      const index = s.nextPage++;
      return async () => handle(s, await request(s.guid, index * pageSize));
    }
    const guid = queue.shift();
    if (guid === undefined) return null;
    return async () => {
      const first = await request(guid, 0);
      const s: Open = { guid, pageCount: 1, nextPage: 1, pagesDone: 0, commits: new Set() };
      open.push(s);
      await handle(s, first);
    };
  };

  const worker = async () => {
    while (!failure) {
      const job = take();
      if (!job) {
        if (inFlight === 0) return;
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      inFlight++;
      try {
        await job();
      } catch (err) {
        fail(err);
      } finally {
        inFlight--;
        notify();
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: o.concurrency }, () => workerLoop()));
    while (finishing.size && !failure) await Promise.race([...finishing]);
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
  if (failure) {
    await Promise.allSettled([...finishing]);
    throw failure;
  }
  return tooDeep;

  async function workerLoop() {
    await worker();
    notify(); // let a waiting worker see there is nothing left
  }
}
