/**
 * CPU time and memory of processes, read from Linux's /proc (the bench runs on Linux; elsewhere
 * these figures are null). Peak RSS comes from VmHWM, which `resetPeak` zeroes so that each
 * phase reports its own peak.
 */
import fs from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node runs on

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** CPU seconds (user + system) of a process; with `children`, also of its exited, waited-for children. */
export function cpuSeconds(pid: number, children = false): number | null {
  const f = statFields(pid);
  if (!f) return null;
  // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / TICKS_PER_SECOND;
}

function statusKb(pid: number, key: string): number | null {
  const text = read(`/proc/${pid}/status`);
  const m = text && new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/** Peak resident set size in bytes since start or the last resetPeak. */
export function peakRss(pid: number): number | null {
  return statusKb(pid, "VmHWM");
}

export function rss(pid: number): number | null {
  return statusKb(pid, "VmRSS");
}

/** Starts a new peak-RSS period (Linux ≥ 4.0: writing 5 to clear_refs resets VmHWM). */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Proportional set size: shared pages (PostgreSQL's shared buffers) split between their users. */
function pss(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? "");
  return m ? Number(m[1]) * 1024 : 0;
}

/** Direct children of a single-threaded process (a postmaster's backends). */
function childrenOf(parent: number): number[] {
  const text = read(`/proc/${parent}/task/${parent}/children`) ?? "";
  return text.split(" ").filter(Boolean).map(Number);
}

/** A process and its children (a PostgreSQL postmaster and its backends). */
export interface ProcessTree {
  /** Memory of all of them together (sum of PSS), bytes. */
  memory(): number;
  /** CPU seconds of all of them, exited backends included. */
  cpu(): number | null;
}

export function processTree(root: number): ProcessTree {
  return {
    memory: () => [root, ...childrenOf(root)].reduce((sum, pid) => sum + pss(pid), 0),
    cpu: () => {
      const own = cpuSeconds(root, true);
      if (own === null) return null;
      return childrenOf(root).reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), own);
    },
  };
}

/** Samples a memory figure every `everyMs` and keeps the largest value seen. */
export class PeakSampler {
  peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sample: () => number,
    everyMs = 2_000,
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
    this.timer.unref();
  }

  private take(): void {
    this.peak = Math.max(this.peak, this.sample());
  }

  stop(): number {
    clearInterval(this.timer);
    this.take();
    return this.peak;
  }
}

/** CPU seconds used by several processes between start() and the returned function's call. */
export function cpuMeter(sources: Record<string, () => number | null>): () => Record<string, number | null> {
  const start = Object.fromEntries(Object.entries(sources).map(([k, f]) => [k, f()]));
  return () =>
    Object.fromEntries(
      Object.entries(sources).map(([k, f]) => {
        const now = f();
        const before = start[k];
        return [k, now === null || before === null ? null : round(now - before, 2)];
      }),
    );
}

export function round(value: number, decimals = 1): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
