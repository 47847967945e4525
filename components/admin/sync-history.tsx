"use client";

import { Fragment } from "react";
import { formatCount, formatDateTime } from "@/components/species/format";
import type { SyncRunView } from "./api";
import { formatDuration } from "./format";
import { button, DataTable, Num, td } from "./ui";

const STATUS_STYLE: Record<SyncRunView["status"], string> = {
  queued: "bg-slate-100 text-slate-800",
  running: "bg-sky-100 text-sky-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

export function StatusBadge({ status }: { status: SyncRunView["status"] }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_STYLE[status]}`}>{status[0].toUpperCase() + status.slice(1)}</span>;
}

const COLUMNS = 12;

/** Finished runs, newest first; a failed run's reason and the request it gave up on below it. */
export function SyncHistory({ runs, onShowCountCheck, more }: { runs: SyncRunView[]; onShowCountCheck: (runId: number) => void; more?: () => void }) {
  if (runs.length === 0) return <p className="text-sm text-slate-600">No sync has finished yet.</p>;
  return (
    <div>
      <DataTable
        caption="Sync history, newest first"
        showCaption
        columns={[
          "Run",
          "Kind",
          "Started",
          "Duration",
          ...["Added", "Updated", "Deleted", "Skipped", "Remote total", "Local total"].map((label) => ({ label, numeric: true })),
          "Status",
          { label: "Count check", hidden: true },
        ]}
      >
        {runs.map((run) => (
          <Fragment key={run.id}>
            <tr data-run-id={run.id}>
              <th scope="row" className={`${td} font-medium`}>#{run.id}</th>
              <td className={td}>
                {run.kind === "full" ? "Full" : "Incremental"}
                <div className="text-xs text-slate-600">{run.requestedBy ? `admin: ${run.requestedBy.email}` : run.trigger}</div>
              </td>
              <td className={`${td} whitespace-nowrap`}>{run.startedAt ? formatDateTime(run.startedAt) : "never started"}</td>
              <td className={`${td} whitespace-nowrap`}>
                {run.startedAt && run.finishedAt ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : "—"}
              </td>
              <td className={`${td} text-right`}><Num>{formatCount(run.counts.added)}</Num></td>
              <td className={`${td} text-right`}><Num>{formatCount(run.counts.updated)}</Num></td>
              <td className={`${td} text-right`}><Num>{formatCount(run.counts.deleted)}</Num></td>
              <td className={`${td} text-right`}><Num>{formatCount(run.counts.skipped)}</Num></td>
              <td className={`${td} text-right`}><Num>{run.remoteTotal === null ? "—" : formatCount(run.remoteTotal)}</Num></td>
              <td className={`${td} text-right`}>
                <Num>{run.localTotal === null ? "—" : formatCount(run.localTotal)}</Num>
                {run.remoteTotal !== null && run.localTotal !== null && run.remoteTotal !== run.localTotal && (
                  <div className="text-xs font-medium text-amber-800">differs</div>
                )}
              </td>
              <td className={td}><StatusBadge status={run.status} /></td>
              <td className={td}>
                <button type="button" className={`${button} whitespace-nowrap px-2 py-1 text-xs`} onClick={() => onShowCountCheck(run.id)} aria-label={`Show the count check of run #${run.id}`}>
                  Counts
                </button>
              </td>
            </tr>
            {(run.error || run.warnings.length > 0 || Object.keys(run.skippedByReason).length > 0) && <RunDetails run={run} />}
          </Fragment>
        ))}
      </DataTable>
      {more && (
        <button type="button" className={`${button} mt-2`} onClick={more}>
          Show older runs
        </button>
      )}
    </div>
  );
}

/** Text only: the reason and the URL may carry the ALA's words, never markup. */
function RunDetails({ run }: { run: SyncRunView }) {
  const skipped = Object.entries(run.skippedByReason).filter(([, n]) => n > 0);
  return (
    <tr data-run-details={run.id} className={run.error ? "bg-red-50/60" : "bg-slate-50/60"}>
      <td colSpan={COLUMNS} className="px-3 pb-3 pt-1 text-sm">
        {run.error && (
          <div className="text-red-900">
            <span className="font-semibold">Run #{run.id} failed:</span> <span className="break-words">{run.error}</span>
            {run.failingRequest && (
              <div className="mt-1 text-xs text-red-950">
                Failing request: <code className="break-all rounded bg-white/70 px-1">{run.failingRequest.url}</code>
                {" — "}
                {run.failingRequest.status === null ? "no HTTP answer" : `HTTP ${run.failingRequest.status}`}, {run.failingRequest.attempts}{" "}
                {run.failingRequest.attempts === 1 ? "attempt" : "attempts"}
                {run.failingRequest.cause ? ` (${run.failingRequest.cause})` : ""}
              </div>
            )}
          </div>
        )}
        {run.warnings.length > 0 && (
          <ul className="mt-1 list-disc pl-5 text-xs text-amber-950" aria-label={`Species the count check of run #${run.id} named`}>
            {run.warnings.map((w) => (
              <li key={w.guid}>
                {w.name ?? w.guid} <span className="text-slate-600">({w.guid})</span>:{" "}
                {w.reason === "malformed"
                  ? `${formatCount(w.malformed)} of ${formatCount(w.remote)} records at the ALA could not be read`
                  : `${formatCount(w.remote)} at the ALA, ${formatCount(w.local)} here${w.malformed ? `, ${formatCount(w.malformed)} unreadable` : ""}`}
              </li>
            ))}
          </ul>
        )}
        {skipped.length > 0 && (
          <div className="mt-1 text-xs text-slate-700">
            Skipped by reason: {skipped.map(([reason, n]) => `${reason} ${formatCount(n)}`).join(", ")}
          </div>
        )}
      </td>
    </tr>
  );
}
