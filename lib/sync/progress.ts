/**
 * The run's live numbers, written to its sync_runs row at most a few times a second (and at
 * least every few seconds as a heartbeat, so a long back-off does not look like a dead process).
 */
import type pg from "pg";
import { log } from "@/lib/log";
import type { SyncRunRow } from "./runs";

export type Phase = "species" | "fetch" | "deleted" | "reconcile" | "stats" | "images";

export interface ProgressSnapshot {
  phase: string;
  done: number;
  total: number;
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  skippedByReason: Record<string, number>;
  remoteTotal: number | null;
  localTotal: number | null;
  /** What the run is waiting for, e.g. the ALA preparing downloads; null when nothing. */
  message: string | null;
}

const MIN_INTERVAL_MS = 250;
const HEARTBEAT_MS = 5_000;

export class Progress {
  private state: ProgressSnapshot;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout;

  constructor(
    private readonly db: pg.Pool,
    private readonly runId: number,
    /** A resumed run continues from the row's counts. */
    from: SyncRunRow,
    private readonly listener?: (snapshot: ProgressSnapshot) => void,
  ) {
    this.state = {
      phase: from.phase,
      done: from.done,
      total: from.total,
      added: from.added,
      updated: from.updated,
      deleted: from.deleted,
      skipped: from.skipped,
      skippedByReason: { ...from.skipped_by_reason },
      remoteTotal: from.remote_total,
      localTotal: from.local_total,
      message: from.message,
    };
    this.heartbeat = setInterval(() => this.schedule(true), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  snapshot(): ProgressSnapshot {
    return { ...this.state, skippedByReason: { ...this.state.skippedByReason } };
  }

  phase(phase: Phase, total = 0): void {
    Object.assign(this.state, { phase, total, done: 0, message: null });
    this.changed();
  }

  addTotal(n: number): void {
    this.state.total += n;
    this.changed();
  }

  advance(n: number): void {
    this.state.done += n;
    this.changed();
  }

  count(counts: { added?: number; updated?: number; deleted?: number }): void {
    this.state.added += counts.added ?? 0;
    this.state.updated += counts.updated ?? 0;
    this.state.deleted += counts.deleted ?? 0;
    this.changed();
  }

  skip(reasons: Record<string, number>): void {
    for (const [reason, n] of Object.entries(reasons)) {
      if (!n) continue;
      this.state.skipped += n;
      this.state.skippedByReason[reason] = (this.state.skippedByReason[reason] ?? 0) + n;
    }
    this.changed();
  }

  totals(totals: { remoteTotal?: number; localTotal?: number }): void {
    if (totals.remoteTotal !== undefined) this.state.remoteTotal = totals.remoteTotal;
    if (totals.localTotal !== undefined) this.state.localTotal = totals.localTotal;
    this.changed();
  }

  message(message: string | null): void {
    if (message === this.state.message) return;
    this.state.message = message;
    this.changed();
  }

  /** Writes whatever is pending now and stops the timers. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true;
    await this.write();
  }

  /** Writes now (e.g. before a phase whose first step may take a while). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true;
    await this.write();
  }

  private changed(): void {
    this.dirty = true;
    this.listener?.(this.state);
    this.schedule(false);
  }

  private schedule(force: boolean): void {
    if (force) this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
    this.timer.unref();
  }

  private write(): Promise<void> {
    // Writes are chained so an older snapshot never lands after a newer one.
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.lastWrite = Date.now();
      const s = this.state;
      try {
        await this.db.query(
          `UPDATE sync_runs SET phase = $2, done = $3, total = $4, added = $5, updated = $6, deleted = $7,
             skipped = $8, skipped_by_reason = $9, remote_total = $10, local_total = $11, message = $12, heartbeat_at = now()
           WHERE id = $1`,
          [this.runId, s.phase, s.done, s.total, s.added, s.updated, s.deleted, s.skipped, JSON.stringify(s.skippedByReason), s.remoteTotal, s.localTotal, s.message],
        );
      } catch (err) {
        // Progress is advisory; the run itself will notice a dead database.
        log.warn({ err, runId: this.runId }, "could not write sync progress");
      }
    });
    return this.writing;
  }
}
