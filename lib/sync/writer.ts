/**
 * Batches prepared rows from many concurrent page fetches into large upserts (one transaction
 * each, a couple in flight), so the database works on thousands of rows per statement while
 * the next pages download. Every add() says when its rows are committed, which is when a
 * species' checkpoint may be written.
 */
import type pg from "pg";
import type { StagedRow } from "./prepare";
import { upsertCopy, upsertRows, type UpsertResult } from "./upsert";

export interface WriterOptions {
  /** Rows per upsert transaction. */
  batchRows?: number;
  /** Upserts in flight at once. */
  parallel?: number;
  /** A partial batch waits at most this long for more rows. */
  maxWaitMs?: number;
  /** The source the rows belong to (sources.id); the ALA when left out. */
  source?: number;
  onCommitted: (result: UpsertResult) => void | Promise<void>;
}

interface Batch {
  rows: StagedRow[];
  /** A batch the download thread wrote as COPY text already (addCopy): upserted on its own. */
  copy: Uint8Array | null;
  committed: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const committed = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  committed.catch(() => undefined); // callers that stop listening must not cause unhandled rejections
  return { rows: [], copy: null, committed, resolve, reject };
}

export class Writer {
  private current = newBatch();
  private inFlight = 0;
  /** Batches taken from `current` and waiting for a slot: not running yet, but not done either. */
  private waiting = 0;
  private failure: unknown = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly slotWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly batchRows: number;
  private readonly parallel: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: WriterOptions,
  ) {
    this.batchRows = options.batchRows ?? 20_000;
    this.parallel = options.parallel ?? 2;
    this.maxWaitMs = options.maxWaitMs ?? 200;
  }

  /**
   * Queues rows; resolves once they are accepted (waits while the writer is saturated, which is
   * the back-pressure on fetching) with a promise of their commit.
   */
  async add(rows: readonly StagedRow[]): Promise<{ committed: Promise<void> }> {
    if (this.failure) throw this.failure;
    if (rows.length === 0) return { committed: Promise.resolve() };
    const batch = this.current;
    for (const r of rows) batch.rows.push(r);
    if (batch.rows.length >= this.batchRows) {
      await this.send();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.send().catch(() => undefined), this.maxWaitMs);
    }
    if (this.failure) throw this.failure;
    // Wrapped: a promise resolving to a promise would be flattened into waiting for the commit.
    return { committed: batch.committed };
  }

  /**
   * Queues one batch of COPY text (lib/sync/download-thread.ts) as an upsert of its own, with the
   * same slots and back-pressure as add().
   */
  async addCopy(copy: Uint8Array): Promise<{ committed: Promise<void> }> {
    if (this.failure) throw this.failure;
    const batch = newBatch();
    batch.copy = copy;
    await this.start(batch);
    if (this.failure) throw this.failure;
    return { committed: batch.committed };
  }

  /** Commits everything queued so far. */
  async flush(): Promise<void> {
    const committed = this.current.rows.length ? this.current.committed : Promise.resolve();
    await this.send();
    await committed;
    await this.idle();
    if (this.failure) throw this.failure;
  }

  private idle(): Promise<void> {
    if (this.inFlight === 0 && this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts the current batch's upsert once a slot is free. */
  private async send(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.current;
    if (batch.rows.length === 0) return;
    this.current = newBatch();
    await this.start(batch);
  }

  private async start(batch: Batch): Promise<void> {
    this.waiting++;
    while (this.inFlight >= this.parallel) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.waiting--;
    this.inFlight++;
    void this.run(batch);
  }

  private async run(batch: Batch): Promise<void> {
    try {
      if (this.failure) throw this.failure;
      const result = batch.copy ? await upsertCopy(this.pool, batch.copy, this.options.source) : await upsertRows(this.pool, batch.rows, this.options.source);
      await this.options.onCommitted(result);
      batch.resolve();
    } catch (err) {
      this.failure ??= err;
      batch.reject(err);
      this.current.reject(err);
    } finally {
      this.inFlight--;
      this.slotWaiters.shift()?.();
      // A batch woken for the freed slot has not started yet: idle only once it has run too.
      if (this.inFlight === 0 && this.waiting === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
