/**
 * The machine's 1-minute load average per phase: other work on the same cores (other people's
 * tests, say) slows every figure, and the results should show when it did.
 */
import os from "node:os";

export type LoadByPhase = Record<string, { mean: number; max: number }>;

export class LoadTracker {
  private current = "start";
  private readonly samples = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 5_000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  phase(name: string): void {
    this.current = name;
    this.sample();
  }

  private sample(): void {
    const list = this.samples.get(this.current) ?? [];
    list.push(os.loadavg()[0]);
    this.samples.set(this.current, list);
  }

  stop(): LoadByPhase {
    clearInterval(this.timer);
    const round = (v: number) => Math.round(v * 100) / 100;
    return Object.fromEntries(
      [...this.samples].map(([phase, v]) => [phase, { mean: round(v.reduce((a, b) => a + b, 0) / v.length), max: round(Math.max(...v)) }]),
    );
  }
}
