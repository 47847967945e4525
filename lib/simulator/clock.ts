/**
 * The simulator's "now": what updates stamp into lastLoadDate and what deletions are dated with.
 * Real time by default; tests freeze or shift it so lastLoadDate moves forward deterministically.
 */
export interface ClockState {
  now: string;
  nowMs: number;
  offsetMs: number;
  frozen: boolean;
}

export interface ClockChange {
  /** Freeze at this time (ms or ISO string), unless `frozen: false` is also given (then it becomes an offset). */
  now?: number | string;
  /** Real time shifted by this much (unfreezes). */
  offsetMs?: number;
  /** Move forward (or back, if negative) by this much, frozen or not. */
  advanceMs?: number;
  frozen?: boolean;
}

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  set(change: ClockChange): ClockState {
    if (change.offsetMs !== undefined) {
      this.offsetMs = change.offsetMs;
      this.frozenAt = null;
    }
    if (change.now !== undefined) {
      const t = typeof change.now === "number" ? change.now : Date.parse(change.now);
      if (!Number.isFinite(t)) throw new RangeError(`invalid time ${String(change.now)}`);
      this.frozenAt = t;
    }
    if (change.frozen === true && this.frozenAt === null) this.frozenAt = this.now();
    if (change.frozen === false && this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now();
      this.frozenAt = null;
    }
    if (change.advanceMs !== undefined) {
      if (this.frozenAt !== null) this.frozenAt += change.advanceMs;
      else this.offsetMs += change.advanceMs;
    }
    return this.state();
  }

  state(): ClockState {
    const nowMs = this.now();
    return { now: new Date(nowMs).toISOString(), nowMs, offsetMs: this.offsetMs, frozen: this.frozenAt !== null };
  }
}
