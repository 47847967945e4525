/**
 * Rate and time left of a running sync phase, from the progress its row reports a few times a
 * second. Plain arithmetic over recent samples (the console keeps them), so a burst or a long
 * ALA back-off moves the estimate without dominating it for the rest of the run.
 */
export interface ProgressSample {
  /** When the row was written (its heartbeatAt), in ms. */
  at: number;
  done: number;
}

/** How far back the rate looks. */
export const RATE_WINDOW_MS = 30_000;

/** The samples with `sample` added: repeats are ignored, and a step backwards (a new phase) starts over. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): readonly ProgressSample[] {
  const last = samples.at(-1);
  if (last && sample.at <= last.at) return samples;
  if (last && sample.done < last.done) return [sample];
  const recent = samples.filter((s) => s.at >= sample.at - RATE_WINDOW_MS);
  // Keep one older sample when the window would leave none, so a slow phase still has a rate.
  return [...(recent.length ? recent : last ? [last] : []), sample];
}

export interface Estimate {
  /** Units (records, species) per second; null until two samples exist. */
  perSecond: number | null;
  /** Null while unknown (too few samples, or no progress in the window). */
  secondsLeft: number | null;
}

export function estimate(samples: readonly ProgressSample[], total: number): Estimate {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.at <= first.at) return { perSecond: null, secondsLeft: null };
  const perSecond = ((last.done - first.done) * 1000) / (last.at - first.at);
  if (perSecond <= 0) return { perSecond: 0, secondsLeft: null };
  return { perSecond, secondsLeft: Math.max(0, total - last.done) / perSecond };
}
