import { hash2 } from "./prng";

/**
 * Fault injection: a share of requests to the ALA endpoints fail the ways the real service and
 * its gateway do. Deterministic: request n draws hash(seed, n), so a sequential client sees the
 * same faults on every run. `/__control` is never faulted.
 */

export const FAULT_MODES = ["500", "502", "503", "429", "slow", "hang", "truncate", "invalidJson", "shortPage"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultRule {
  mode: FaultMode;
  /** Share of requests, 0..1. Rules' rates add up: one draw per request picks at most one fault. */
  rate: number;
  /** Only requests whose path starts with one of these (default: every ALA path). */
  paths?: string[];
}

export interface FaultConfig {
  rules: FaultRule[];
  /** Delay of `slow` answers. Default 2000 ms. */
  delayMs?: number;
  /** Retry-After of 429 answers, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Seed of the fault draws (default: the world's seed). */
  seed?: number;
}

/** Modes that only make sense for some answers; elsewhere the rule is skipped (no draw consumed). */
const APPLIES: Partial<Record<FaultMode, (path: string) => boolean>> = {
  shortPage: (path) => path.endsWith("/occurrences/search"),
};

/** Modes whose opportunity is only known once the answer is (a page of two records or more): the server reports it. */
const REPORTED_OPPORTUNITY: ReadonlySet<FaultMode> = new Set(["shortPage"]);

/**
 * `500:0.1,429:0.05,slow:0.2@/occurrences/search` — mode:rate, optionally @path-prefix
 * (several with `|`). Throws on anything else.
 */
export function parseFaultSpec(spec: string): FaultRule[] {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([A-Za-z0-9]+):([0-9.]+)(?:@(.+))?$/.exec(part);
      const mode = m?.[1] as FaultMode | undefined;
      const rate = Number(m?.[2]);
      if (!m || !FAULT_MODES.includes(mode!) || !(rate >= 0 && rate <= 1)) {
        throw new Error(`bad fault "${part}": expected mode:rate[@path] with mode one of ${FAULT_MODES.join(", ")} and rate 0..1`);
      }
      return { mode: mode!, rate, ...(m[3] ? { paths: m[3].split("|") } : {}) };
    });
}

export type FaultCounts = Record<FaultMode, number>;

const zeros = () => Object.fromEntries(FAULT_MODES.map((m) => [m, 0])) as FaultCounts;

export class Faults {
  private config: FaultConfig = { rules: [] };
  private counter = 0;
  private readonly injected: FaultCounts = zeros();
  /** Requests each mode could have hit: what its share of failures is measured against. */
  private readonly opportunities: FaultCounts = zeros();

  constructor(
    private readonly defaultSeed: number,
    config?: FaultConfig,
  ) {
    if (config) this.set(config);
  }

  set(config: FaultConfig): void {
    const total = config.rules.reduce((a, r) => a + r.rate, 0);
    if (total > 1 + 1e-9) throw new RangeError(`fault rates add up to ${total} (> 1)`);
    this.config = { ...config, rules: config.rules.map((r) => ({ ...r })) };
    // Each configuration draws its own sequence from the start: the same faults, set again, hit the same requests.
    this.counter = 0;
  }

  clear(): void {
    this.config = { rules: [] };
  }

  get delayMs(): number {
    return this.config.delayMs ?? 2000;
  }

  get retryAfterSeconds(): number {
    return this.config.retryAfterSeconds ?? 1;
  }

  /** The fault for this request, if any. Every call is one draw. */
  draw(path: string): FaultMode | null {
    const rules = this.config.rules.filter(
      (r) => (!r.paths || r.paths.some((p) => path.startsWith(p))) && (APPLIES[r.mode]?.(path) ?? true),
    );
    if (!rules.length) return null;
    for (const r of rules) if (!REPORTED_OPPORTUNITY.has(r.mode)) this.opportunities[r.mode]++;
    const u = hash2(this.config.seed ?? this.defaultSeed, this.counter++) / 2 ** 32;
    let acc = 0;
    for (const r of rules) {
      acc += r.rate;
      if (u < acc) return r.mode;
    }
    return null;
  }

  /** Count a fault that actually happened (a short page only counts when the page was cut). */
  record(mode: FaultMode): void {
    this.injected[mode]++;
  }

  /** An answer the mode could have hit, for modes in REPORTED_OPPORTUNITY. */
  opportunity(mode: FaultMode): void {
    if (this.config.rules.some((r) => r.mode === mode)) this.opportunities[mode]++;
  }

  counts(): FaultCounts {
    return { ...this.injected };
  }

  opportunityCounts(): FaultCounts {
    return { ...this.opportunities };
  }

  resetCounts(): void {
    for (const m of FAULT_MODES) this.injected[m] = this.opportunities[m] = 0;
  }

  state(): FaultConfig & { delayMs: number; retryAfterSeconds: number; counts: FaultCounts; opportunities: FaultCounts; requests: number } {
    return {
      ...this.config,
      delayMs: this.delayMs,
      retryAfterSeconds: this.retryAfterSeconds,
      counts: this.counts(),
      opportunities: this.opportunityCounts(),
      requests: this.counter,
    };
  }
}
