"use client";

import { useRef } from "react";
import { formatAgo, formatCount, formatDateTime } from "@/components/species/format";
import { addSample, estimate, type ProgressSample } from "@/lib/admin/eta";
import type { SyncRunView } from "./api";
import { formatDuration, formatRate } from "./format";
import { phaseLabel, phaseUnit } from "./phases";

/** No progress written for this long while running: the worker may be gone (it resumes the run later). */
const STALE_MS = 60_000;

/** The rate of the current phase, from the samples of this run and phase seen so far. */
function useEstimate(run: SyncRunView) {
  const store = useRef<{ key: string; samples: readonly ProgressSample[] }>({ key: "", samples: [] });
  const key = `${run.id}:${run.progress.phase}`;
  if (store.current.key !== key) store.current = { key, samples: [] };
  if (run.status === "running" && run.heartbeatAt) {
    store.current.samples = addSample(store.current.samples, { at: Date.parse(run.heartbeatAt), done: run.progress.done });
  }
  return estimate(store.current.samples, run.progress.total);
}

/** The active run: phase, a progress bar (records done of total), rate and time left. */
export function SyncProgress({ run }: { run: SyncRunView }) {
  const { phase, done, total } = run.progress;
  const { perSecond, secondsLeft } = useEstimate(run);
  const unit = phaseUnit(phase);
  const label = run.status === "queued" ? phaseLabel("queued") : phaseLabel(phase);
  const determinate = run.status === "running" && total > 0;
  const text = determinate ? `${label}: ${formatCount(done)} of ${formatCount(total)} ${unit}` : label;
  const percent = determinate ? Math.min(100, (done / total) * 100) : 0;
  const stale = run.status === "running" && run.heartbeatAt !== null && Date.now() - Date.parse(run.heartbeatAt) > STALE_MS;

  return (
    <div className="space-y-2">
      <p className="text-sm">
        <span className="font-medium">
          {run.kind === "full" ? "Full" : "Incremental"} sync #{run.id}
        </span>{" "}
        ({run.trigger}
        {run.requestedBy ? `, by ${run.requestedBy.email}` : ""}) —{" "}
        {run.startedAt ? <>started {formatDateTime(run.startedAt)}</> : <>queued {formatDateTime(run.queuedAt)}</>}
      </p>
      <div
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={determinate ? total : undefined}
        aria-valuenow={determinate ? done : undefined}
        aria-valuetext={text}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={determinate ? "h-full rounded-full bg-sky-700 transition-[width] duration-500" : "h-full w-1/3 animate-pulse rounded-full bg-sky-400"}
          style={determinate ? { width: `${percent}%` } : undefined}
        />
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Phase</dt>
          <dd data-testid="sync-phase">{label}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Done</dt>
          <dd className="tabular-nums">{determinate ? `${formatCount(done)} / ${formatCount(total)} ${unit}` : "—"}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Rate</dt>
          <dd className="tabular-nums">{determinate && perSecond !== null ? `${formatRate(perSecond)} ${unit}` : "—"}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Time left</dt>
          <dd className="tabular-nums">{determinate && secondsLeft !== null ? `about ${formatDuration(secondsLeft * 1000)}` : "—"}</dd>
        </div>
      </dl>
      {run.progress.message && (
        <p className="text-sm text-slate-800" data-testid="sync-message" role="status">
          {run.progress.message.charAt(0).toUpperCase() + run.progress.message.slice(1)}.
        </p>
      )}
      <p className="text-xs text-slate-600">
        So far: {formatCount(run.counts.added)} added, {formatCount(run.counts.updated)} updated, {formatCount(run.counts.deleted)} deleted,{" "}
        {formatCount(run.counts.skipped)} skipped.
      </p>
      {stale && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          No progress reported since {formatAgo(run.heartbeatAt!)}. If the worker stopped, the run resumes from its checkpoints when a worker
          starts again.
        </p>
      )}
    </div>
  );
}
